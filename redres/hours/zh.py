"""Opening hours as Chinese survey sheets and notices write them, read into the OSM rule.

Tourism offices copy hours from the notices at the door: ``周二至周日 9:00-17:00（16:30停止入馆），
周一闭馆（法定节假日除外）``. `read_opening_hours` accepts that phrasing (and OSM syntax as before)
and answers the canonical OSM rule plus the last entry in minutes before closing, which is how a
site stores them (`redres.hours.opening`). What it reads:

- days: ``周二至周日``, ``每周一``, ``星期六、星期日``, ``周末``/``双休日``, ``工作日``, ``每天``/
  ``每日``/``全年``; ``周一闭馆``/``每周一全天闭馆``/``周一休息`` close days;
- times: ``9:00-17:00``, ``9点30分``, ``上午9:00-11:30，下午1:00-4:30`` (下午 adds twelve hours),
  dashes ``-``, ``—``, ``–``, ``~``, ``～``, ``至``, ``到``, full-width digits and punctuation; several
  periods a day; ``10:00开馆 … 17:00闭馆``; a break (``消毒时段12:00-14:30``, ``12:00-13:30午休``);
- last entry: ``16:30停止入馆`` (``停止入场``, ``停止检票``, ``停止售票``, ``最晚入园16:00`` …) or
  ``闭馆前30分钟停止入馆``;
- public holidays: ``（法定节假日除外）``, ``节假日照常开放`` (open, with the hours of the other days),
  ``法定节假日闭馆``, or days of their own (``双休日及法定节假日9:30-17:00``);
- seasons: ``5月至9月 …；10月至次年4月 …``, ``4月10日至10月9日 …``, ``夏季（5月1日—10月31日）：…``
  (a season name needs its dates).

A holiday that opens a closed day is written with explicit hours (``Tu-Su,PH 09:00-17:00``),
never as a bare ``PH open``, which the OSM specification reads as open all day. When the open days
keep different hours, the holiday takes those of the first open day after the closed one (the
reading `redres.hours.opening` gives ``PH open``). Anything else is refused with a `Message`
naming the part that could not be read, so nothing is stored on a guess.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NoReturn

from redres.hours.opening import (
    FULL_DAY,
    Interval,
    OpeningHoursError,
    parse_opening_hours,
)
from redres.hours.syntax import MONTHS, month_length
from redres.hours.zh_rules import Group, Notice, ReadHours, cut_breaks, fail, write_rules
from redres.hours.zh_tokens import Token, tokenize
from redres.messages import Message

__all__ = ["ReadHours", "read_opening_hours"]

_WEEKDAY_DIGITS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def read_opening_hours(text: str) -> ReadHours:
    """Read OSM syntax (kept as written, trimmed) or the Chinese phrasing of notices.

    Raises
    ------
    OpeningHoursError
        If the text is neither; for Chinese text its argument is a `Message` naming the part
        that could not be read (pages show it in the reader's language).

    Examples
    --------
    >>> read_opening_hours("周二至周日 9:00-17:00（16:30停止入馆），周一闭馆（法定节假日除外）")
    ReadHours(rule='Tu-Su,PH 09:00-17:00', last_entry_minutes=30)
    >>> read_opening_hours(" Tu-Su 09:00-17:00 ")
    ReadHours(rule='Tu-Su 09:00-17:00', last_entry_minutes=None)
    """
    text = text.strip()
    try:
        parse_opening_hours(text)
    except OpeningHoursError as exc:
        if not _CJK.search(text):
            said = Message("hours_unreadable", part=exc.part or text, text=text)
            raise OpeningHoursError(said) from exc
        return _read_chinese(text)
    return ReadHours(text)


@lru_cache(maxsize=4096)
def _read_chinese(text: str) -> ReadHours:
    """Pure, and sheets repeat a few dozen values: each distinct text is read once."""
    return _Reader(text).read()


class _Reader:
    """One pass over the tokens with a little state: the season and days being described."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.season = ""
        self.days: frozenset[int] | None = None
        self.holiday_days = False
        self.group: Group | None = None
        self.groups: list[Group] = []
        self.closed: set[int] = set()
        self.holidays: str | None = None  # "open" or "closed"
        self.lead: int | None = None  # 闭馆前N分钟停止入馆
        self.pending_last: int | None = None
        self.pending_start: int | None = None

    def read(self) -> ReadHours:
        while self.pos < len(self.tokens):
            self.step(self.take())
        if not self.groups:
            self.fail("hours_no_times", text=self.text)
        return write_rules(Notice(self.text, self.groups, self.closed, self.holidays, self.lead))

    def peek(self, kind: str | tuple[str, ...]) -> bool:
        kinds = (kind,) if isinstance(kind, str) else kind
        return self.pos < len(self.tokens) and self.tokens[self.pos].kind in kinds

    def take(self) -> Token:
        if self.pos >= len(self.tokens):
            self.unreadable(self.tokens[-1])  # the text stops half-way (周一至)
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def fail(self, key: str, **fields: object) -> NoReturn:
        fail(key, **fields)

    def unreadable(self, token: Token) -> NoReturn:
        self.fail("hours_unreadable", part=token.text, text=self.text)

    def step(self, token: Token) -> None:
        """Read one word, with what follows it when it needs that."""
        kind = token.kind
        if kind in ("sep", "filler", "label", "open", "next_year"):
            if kind == "label" and self.skip_to("time") and not self.followed_by_range():
                self.pending_start = _minute(self, self.take())
        elif kind in ("weekday", "weekend", "workdays", "holiday"):
            self.day_list(token)
        elif kind == "daily":
            self.set_days(None, holiday=False)
        elif kind == "date":
            self.season = self.season_from(token)
            self.set_days(None, holiday=False)
        elif kind == "season":
            if not self.peek(("sep", "date")) or not self.skip_to("date"):
                self.fail("hours_season_dates", part=token.text)
        elif kind == "time":
            self.time(token)
        elif kind == "allday":
            self.current().intervals.append(FULL_DAY)
        elif kind == "last" and self.skip_to("time"):
            self.last_entry(_minute(self, self.take()))
        elif kind == "lead" and self.peek("last"):
            self.take()
            minutes, half = token.groups[0], token.groups[1]
            self.lead = int(minutes) if minutes else 30 if half == "半" else 60
        elif kind == "close_label" and self.skip_to("time") and not self.followed_by_range():
            self.close_at(token, _minute(self, self.take()))
        elif kind == "close_label" and self.skip_to(("weekday", "weekend", "workdays")):
            pass  # 闭馆时间：周一至周二 — the days that follow are closed
        elif kind == "except" and token.text.startswith("除"):
            self.holidays = "open"  # 除国定假日外
        elif kind == "dash" and (self.pos == 1 or self.tokens[self.pos - 2].kind == "sep"):
            pass  # a list bullet (- 开馆时间：8:30)
        elif kind == "break" and self.peek("time"):
            self.current().breaks.append(self.interval(self.take()))
        else:
            self.unreadable(token)

    def followed_by_range(self) -> bool:
        kinds = [t.kind for t in self.tokens[self.pos + 1 : self.pos + 3]]
        return kinds == ["dash", "time"]

    def skip_to(self, kind: str | tuple[str, ...]) -> bool:
        while self.peek("sep"):
            self.take()
        return self.peek(kind)

    def current(self) -> Group:
        if self.group is None:
            self.group = Group(self.season, self.days, self.holiday_days)
            self.groups.append(self.group)
            if self.pending_last is not None:
                self.group.last_entry, self.pending_last = self.pending_last, None
        return self.group

    def set_days(self, days: frozenset[int] | None, *, holiday: bool) -> None:
        self.days, self.holiday_days, self.group = days, holiday, None

    def day_list(self, first: Token) -> None:
        """``周二至周日``, ``周六、周日及法定节假日``; then closed days, holiday words or hours."""
        days: set[int] = set()
        holiday = False
        token = first
        while True:
            if token.kind == "holiday":
                holiday = True
            else:
                start = _days_of(token)
                if self.peek("dash") and token.kind == "weekday":
                    self.take()
                    end = self.take()
                    if end.kind != "weekday":
                        self.unreadable(end)
                    span = (min(_days_of(end)) - min(start)) % 7 + 1
                    start = frozenset((min(start) + i) % 7 for i in range(span))
                days |= start
            if not self.peek("list"):
                break
            self.take()
            if not self.peek(("weekday", "weekend", "workdays", "holiday")):
                self.unreadable(self.tokens[min(self.pos, len(self.tokens) - 1)])
            token = self.take()
        self.after_days(first, frozenset(days), holiday)

    def after_days(self, first: Token, days: frozenset[int], holiday: bool) -> None:
        closing = self.peek("closed")
        if holiday and not days and self.peek(("except", "open", "closed")):
            word = self.take()
            self.holidays = "closed" if word.kind == "closed" else "open"
        elif closing:
            self.take()
            self.closed |= days
            if holiday:
                self.holidays = "closed"
        elif self.before_is("close_label", first):
            self.closed |= days  # 闭馆时间：周一至周二
        elif holiday and not days:
            self.set_days(frozenset(), holiday=True)
        else:
            self.set_days(days, holiday=holiday)

    def before_is(self, kind: str, token: Token) -> bool:
        index = self.tokens.index(token)
        while index > 0 and self.tokens[index - 1].kind == "sep":
            index -= 1
        return index > 0 and self.tokens[index - 1].kind == kind

    def season_from(self, first: Token) -> str:
        month, day = int(first.groups[0] or 0), _int(first.groups[1])
        if self.peek("next_year"):
            self.take()
        last, last_day = month, day
        if self.peek("dash"):
            self.take()
            if self.peek("next_year"):
                self.take()
            end = self.take() if self.peek("date") else None
            if end is None:
                self.unreadable(first)
            last, last_day = int(end.groups[0] or 0), _int(end.groups[1])
        for m, d in ((month, day), (last, last_day)):
            if not 1 <= m <= 12 or (d is not None and not 1 <= d <= month_length(m)):
                self.unreadable(first)
        if day is None and last_day is None:
            return MONTHS[month - 1] if month == last else f"{MONTHS[month - 1]}-{MONTHS[last - 1]}"
        end_day = last_day if last_day is not None else month_length(last)
        return f"{MONTHS[month - 1]} {day or 1:02d}-{MONTHS[last - 1]} {end_day:02d}"

    def time(self, token: Token) -> None:
        if self.peek("dash"):
            interval = self.interval(token)
            if self.peek("break"):
                self.take()
                self.current().breaks.append(interval)
            else:
                self.current().intervals.append(interval)
            return
        minute = _minute(self, token)
        if self.peek("last"):
            self.take()
            self.last_entry(minute)
        elif self.peek("open"):
            self.take()
            self.pending_start = minute
        elif self.peek("closed"):
            word = self.take()
            if (
                self.pending_start is None
                and self.group
                and minute <= cut_breaks(self.group)[-1].end
            ):
                return  # 17:00闭馆 / 17:00清场 after the hours said it already
            self.close_at(word, minute)
        elif self.peek("unknown"):
            self.unreadable(self.take())
        else:
            self.fail("hours_no_end", part=token.text)

    def interval(self, first: Token) -> Interval:
        start = _minute(self, first)
        if not self.peek("dash"):
            self.fail("hours_no_end", part=first.text)
        self.take()
        if not self.peek("time"):
            self.fail("hours_no_end", part=first.text)
        last = self.take()
        end = _minute(self, last, end=True, noon=first.groups[0] if first.groups else None)
        if end <= start:
            part = self.text[first.start : last.end]
            self.fail("hours_empty_range", part=part)
        return Interval(start, end)

    def close_at(self, token: Token, minute: int) -> None:
        if self.pending_start is None or minute <= self.pending_start:
            self.fail("hours_no_start", part=token.text)
        self.current().intervals.append(Interval(self.pending_start, minute))
        self.pending_start = None

    def last_entry(self, minute: int) -> None:
        if self.group is None:
            self.pending_last = minute
        else:
            self.group.last_entry = minute


def _days_of(token: Token) -> frozenset[int]:
    if token.kind == "weekend":
        return frozenset({5, 6})
    if token.kind == "workdays":
        return frozenset(range(5))
    digit = token.groups[0] or ""
    return frozenset({_WEEKDAY_DIGITS[digit] if digit in _WEEKDAY_DIGITS else int(digit) - 1})


def _minute(reader: _Reader, token: Token, *, end: bool = False, noon: str | None = None) -> int:
    """Minutes since midnight of a time token; 下午/晚上 move hours before 12 to the afternoon
    (`noon`: that of the start, for the end of ``下午1:00-5:00``)."""
    if token.kind != "time":
        reader.unreadable(token)
    said, hour_text, minute_text, minute_text2 = token.groups
    noon = said or noon
    hour = int(hour_text or 0)
    minute = 30 if "点半" in token.text else int(minute_text or minute_text2 or 0)
    if noon in ("下午", "晚上") and hour < 12:
        hour += 12
    if minute > 59 or hour > 24 or (hour == 24 and (minute or not end)):
        reader.fail("hours_bad_time", part=token.text)
    return hour * 60 + minute


def _int(text: str | None) -> int | None:
    return int(text) if text else None
