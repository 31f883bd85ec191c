"""The one time zone of the registry: every site is in China, on UTC+8 all year.

China has no daylight saving, so a fixed offset is exact and needs no tz database (Windows and
slim containers lack one). iCalendar exports still name it ``Asia/Shanghai`` for calendars.
"""

from __future__ import annotations

import datetime as dt

CHINA_TIME = dt.timezone(dt.timedelta(hours=8), "CST")
"""China Standard Time: what "today", "open now" and a plan's dates mean."""
