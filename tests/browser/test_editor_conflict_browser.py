"""Two editors in Chromium save the same site form: the second sees a conflict with their own
input still in the form, and only a deliberate second save overwrites."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import EDITOR, PASSWORD, assert_stayed_home

SITE = "tomb-of-martyr-shi-yang"


def _signed_in_form(server: str, open_page: Any) -> tuple[Any, Any]:
    page, traffic = open_page(f"{server}/editor/sites/{SITE}")
    page.wait_for_url("**/login**")
    page.fill("#username", EDITOR)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/editor/sites/{SITE}")
    return page, traffic


def test_second_save_shows_a_conflict_and_keeps_the_input(server: str, open_page: Any) -> None:
    first, first_traffic = _signed_in_form(server, open_page)
    second, second_traffic = _signed_in_form(server, open_page)

    first.fill("#f-address", "洪山区珞喻路")
    first.click("form.form button[type=submit]")
    first.wait_for_load_state()
    assert first.input_value("#f-address") == "洪山区珞喻路"

    second.fill("#f-district", "武昌区")
    second.fill("#f-address", "武昌区卓刀泉")
    second.click("form.form button[type=submit]")
    alert = second.locator(".conflict[role=alert]")
    alert.wait_for()
    assert f"{EDITOR} changed this record" in alert.inner_text()  # Chromium asks for English
    assert second.input_value("#f-district") == "武昌区"  # the second editor's input, kept
    assert second.input_value("#f-address") == "武昌区卓刀泉"

    first.reload()
    assert first.input_value("#f-district") == "洪山区"  # nothing was overwritten
    assert first.input_value("#f-address") == "洪山区珞喻路"

    second.click("form.form button[type=submit]")  # informed now: saving overwrites
    second.wait_for_load_state()
    assert second.locator(".conflict").count() == 0
    first.reload()
    assert first.input_value("#f-district") == "武昌区"
    assert first.input_value("#f-address") == "武昌区卓刀泉"
    for traffic in (first_traffic, second_traffic):
        assert traffic.refused == []
        assert traffic.errors == []
    assert_stayed_home(second_traffic)
