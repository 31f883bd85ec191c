"""Temporary closures (临时闭馆): the text survey sheets write, checks, and what a site stores."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlmodel import Session

from redres.catalog.schemas import SiteCreate, SiteUpdate
from redres.catalog.sites import create_site, update_site
from redres.hours.closures import Closure, closure_notice, closures_of, read_closures
from redres.messages import Message

FEB_MAR = {"start": "2027-02-01", "end": "2027-03-31", "note": "闭馆维修"}


@pytest.mark.parametrize(
    "text",
    [
        "2027-02-01至2027-03-31 闭馆维修",
        "2027-02-01~2027-03-31 闭馆维修",
        "2027-02-01 - 2027-03-31：闭馆维修",
        "2027-02-01-2027-03-31 闭馆维修",
        "2027/2/1到2027/3/31，闭馆维修",
        "２０２７年２月１日～２０２７年３月３１日　闭馆维修",  # full-width digits, tilde and space
        "2027.02.01－2027.03.31 闭馆维修",
    ],
)
def test_the_ways_survey_sheets_write_a_closure(text: str) -> None:
    assert read_closures(text) == [FEB_MAR]


def test_several_closures_one_day_and_open_ended() -> None:
    text = "2027-02-01至2027-03-31 闭馆维修；2027-05-01 设备检修;\n2027-06-01起 闭馆改造\r\n"
    assert read_closures(text) == [
        FEB_MAR,
        {"start": "2027-05-01", "end": "2027-05-01", "note": "设备检修"},
        {"start": "2027-06-01", "end": None, "note": "闭馆改造"},
    ]
    assert read_closures("2027-06-01至")[0]["end"] is None
    assert read_closures("") == []


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("下月闭馆", "closure_unreadable"),
        ("2027-02-30至2027-03-31 维修", "closure_bad_date"),
        ("2027-02-01至2027-13-01", "closure_bad_date"),
        ("2027-02-01~3-31 维修", "closure_unreadable"),
    ],
)
def test_unreadable_text_names_the_part(text: str, key: str) -> None:
    with pytest.raises(ValueError, match="closure") as caught:
        read_closures(text)
    message = caught.value.args[0]
    assert isinstance(message, Message)
    assert message.key == key
    assert message.fields["part"] in text


def _errors(**fields: object) -> str:
    with pytest.raises(ValidationError) as caught:
        SiteCreate(name="x", category="museum", **fields)  # type: ignore[arg-type]
    return str(caught.value)


def test_the_schema_checks_order_dates_note_and_control_characters() -> None:
    assert "ends (2027-01-01) before it starts (2027-02-01)" in _errors(
        closures=[{"start": "2027-02-01", "end": "2027-01-01"}]
    )
    assert "ends (2027-01-01) before it starts" in _errors(closures="2027-02-01至2027-01-01 x")
    assert "closures.0.start" in _errors(closures=[{"start": "2027-02-30"}])
    assert "at most 200 characters" in _errors(
        closures=[{"start": "2027-02-01", "note": "长" * 201}]
    )
    assert "control characters" in _errors(closures="2027-02-01 a\x00b")
    assert "control characters" in _errors(closures=[{"start": "2027-02-01", "note": "a\x07"}])
    assert "must not contain ';'" in _errors(closures=[{"start": "2027-02-01", "note": "a;b"}])
    assert "closures.0.colour" in _errors(closures=[{"start": "2027-02-01", "colour": "red"}])


def test_a_notice_is_the_current_closure_or_one_within_thirty_days() -> None:
    closures = closures_of([FEB_MAR, {"start": "2027-06-01", "end": None, "note": "改造"}])
    assert closure_notice(closures, dt.date(2027, 1, 1)) is None
    soon = closure_notice(closures, dt.date(2027, 1, 5))
    assert soon is not None
    assert (soon[0].note, soon[1]) == ("闭馆维修", False)
    now = closure_notice(closures, dt.date(2027, 3, 31))
    assert now is not None
    assert now[1] is True
    assert closure_notice(closures, dt.date(2027, 4, 1)) is None
    later = closure_notice(closures, dt.date(2030, 1, 1))  # open-ended: still shut
    assert later is not None
    assert (later[0].end, later[1]) == (None, True)
    assert Closure(start=dt.date(2027, 6, 1)).message() == (
        "temporarily closed from 2027-06-01 until further notice"
    )


def test_a_site_stores_its_closures_by_start_and_clears_them(session: Session) -> None:
    later = {"start": "2027-06-01", "end": None, "note": "改造"}
    site = create_site(session, SiteCreate(name="馆", category="museum", closures=[later, FEB_MAR]))
    session.commit()
    session.expire_all()
    assert site.closures == [FEB_MAR, later]
    update_site(session, site, SiteUpdate(closures="2027-02-01至2027-03-31 闭馆维修"))
    session.commit()
    session.expire_all()
    assert site.closures == [FEB_MAR]
    update_site(session, site, SiteUpdate(closures=None))
    session.commit()
    session.expire_all()
    assert site.closures == []
