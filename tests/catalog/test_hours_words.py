"""Opening hours in words: both languages, and the round trip Chinese notice -> OSM -> words."""

from __future__ import annotations

import pytest

from redres.hours.words import hours_in_words
from redres.hours.zh import read_opening_hours


@pytest.mark.parametrize(
    ("rule", "last", "zh", "en"),
    [
        (
            "Tu-Su,PH 09:00-17:00",
            30,
            "周二至周日 09:00–17:00（16:30 停止入馆），周一闭馆，法定节假日照常开放",
            "Tue–Sun 09:00–17:00 (last entry 16:30), closed Mon; open on public holidays",
        ),
        # the same meaning written with the hours module's own PH open reads the same
        (
            "Tu-Su 09:00-17:00; PH open",
            30,
            "周二至周日 09:00–17:00（16:30 停止入馆），周一闭馆，法定节假日照常开放",
            "Tue–Sun 09:00–17:00 (last entry 16:30), closed Mon; open on public holidays",
        ),
        (
            "Tu-Su 09:00-17:00",
            None,
            "周二至周日 09:00–17:00，周一闭馆",
            "Tue–Sun 09:00–17:00, closed Mon",
        ),
        ("24/7", None, "全天开放", "Open 24 hours, every day"),
        (
            "Mo-Fr 08:30-12:00,14:30-17:30; PH off",
            None,
            "周一至周五 08:30–12:00、14:30–17:30，周六、周日闭馆，法定节假日闭馆",
            "Mon–Fri 08:30–12:00, 14:30–17:30, closed Sat, Sun; closed on public holidays",
        ),
        (
            "May-Sep Tu-Su,PH 08:30-18:00; Oct-Apr Tu-Su,PH 08:30-17:30",
            60,
            "5月至9月：周二至周日 08:30–18:00（17:00 停止入馆）；"
            "10月至次年4月：周二至周日 08:30–17:30（16:30 停止入馆）；周一闭馆，法定节假日照常开放",
            "May–Sep: Tue–Sun 08:30–18:00 (last entry 17:00); "
            "Oct–Apr: Tue–Sun 08:30–17:30 (last entry 16:30); closed Mon; open on public holidays",
        ),
        (
            "Mar 16-Nov 14 08:10-17:30; Nov 15-Mar 15 08:00-17:00",
            None,
            "3月16日至11月14日：每日 08:10–17:30；11月15日至次年3月15日：每日 08:00–17:00",
            "Mar 16–Nov 14: daily 08:10–17:30; Nov 15–Mar 15: daily 08:00–17:00",
        ),
        (
            "Tu-Fr 09:30-16:30; Sa,Su,PH 09:30-17:00",
            None,
            "周二至周五 09:30–16:30，周六、周日 09:30–17:00，周一闭馆，法定节假日 09:30–17:00",
            "Tue–Fri 09:30–16:30, Sat, Sun 09:30–17:00, closed Mon; public holidays 09:30–17:00",
        ),
        (
            "Apr-Oct 09:00-17:00",
            None,
            "4月至10月：每日 09:00–17:00；11月至次年3月：闭馆",
            "Apr–Oct: daily 09:00–17:00; Nov–Mar: closed",
        ),
    ],
)
def test_rules_in_both_languages(rule: str, last: int | None, zh: str, en: str) -> None:
    assert hours_in_words(rule, last, "zh") == zh
    assert hours_in_words(rule, last, "en") == en


@pytest.mark.parametrize(
    ("notice", "zh"),
    [
        (
            "周二至周日 9:00-17:00（16:30停止入馆），周一闭馆（法定节假日除外）",
            "周二至周日 09:00–17:00（16:30 停止入馆），周一闭馆，法定节假日照常开放",
        ),
        (
            "每周一全天闭馆(国家法定节假日除外)\n5月至9月8:30—18:00(17:00以后停止入馆)\n"
            "10月至次年4月8:30—17:30(16:30以后停止入馆)",
            "5月至9月：周二至周日 08:30–18:00（17:00 停止入馆）；"
            "10月至次年4月：周二至周日 08:30–17:30（16:30 停止入馆）；周一闭馆，法定节假日照常开放",
        ),
        (
            "开放时间为周二至周日(周一休息),节假日不休息。上午9:00 ~ 11:30,下午1:00 ~ 16:30(15:30停止入场)",
            "周二至周日 09:00–11:30、13:00–16:30（15:30 停止入馆），周一闭馆，法定节假日照常开放",
        ),
        (
            "09:00-17:00,16:30 停止入馆,消毒时段12:00-14:30",
            "每日 09:00–12:00、14:30–17:00（16:30 停止入馆）",
        ),
    ],
)
def test_round_trip_notice_to_rule_to_words(notice: str, zh: str) -> None:
    read = read_opening_hours(notice)
    assert hours_in_words(read.rule, read.last_entry_minutes, "zh") == zh
    english = hours_in_words(read.rule, read.last_entry_minutes, "en")
    assert english is not None
    assert read.rule not in english


def test_nothing_to_say_for_no_or_unreadable_hours() -> None:
    assert hours_in_words(None, 30) is None
    assert hours_in_words("", None, "en") is None
    assert (
        hours_in_words("周二至周日", None) is None
    )  # stored text that is not a rule is never shown
