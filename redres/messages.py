"""Sentences for people (warnings, reasons, violations) as a key and fields, so pages can translate.

A `Message` *is* its English sentence (a `str`), which is what the JSON contract, the CLI and the
logs show, and it also carries `key` and `fields`: a page in another language looks the key up
in its own catalogue and formats the fields its way (dates, nested messages). The domain stays
free of locales; the English text lives here, once, next to the code that says it.

>>> m = Message("capacity", capacity=30, group=40)
>>> str(m), m.key, m.fields["group"]
('takes groups of up to 30; the group is 40', 'capacity', 40)
>>> Message("closed_on", dates=(dt.date(2026, 12, 1),))
'closed on 2026-12-01 (Tue)'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from redres.import_messages import IMPORT_ENGLISH
from redres.plan_messages import PLAN_ENGLISH, PLAN_ENGLISH_ONE

ENGLISH: dict[str, str] = {
    # several problems with one input, said together (a form shows one a line)
    "problems": "{problems}",
    # input the shared validation refuses (forms and the API word it the same)
    "e_control_characters": "text must not contain control characters",
    "e_no_links": "comments may not contain links",
    "e_route_site": "unknown site '{slug}'",
    "e_route_theme": "unknown theme '{slug}'",
    "e_route_empty": "a route needs at least one stop",
    "e_lon_lat_together": "lon and lat must be given together",
    "e_lon_range": "lon {lon} is outside -180..180",
    "e_parent_cycle": "that parent would make a loop: {loop}",
    "e_yes_no": "{field} must be yes or no (是/否), not {value!r}",
    "e_ticket_budget": "ticket budget {budget} must be a number of yuan, 0 or more",
    "e_kind_unknown": "{kind!r} is not a site category; known: {known}",
    "e_kind_cap_twice": "the {kind_en} cap is given more than once: give one cap per category",
    "e_kind_cap_empty": "a cap on {kind_en} needs a number per day or per trip",
    "e_kind_cap_negative": "the cap {cap} on {kind_en} must be 0 or more",
    "e_must_alone": (
        "the must-visit sites {slugs} fit no day even alone (opening hours, the day window, "
        "travel, the ticket budget or a category cap rule them out)"
    ),
    "e_ticket_price": (
        "ticket price {value!r} must be a number of yuan per person (0 or 免费 when free)"
    ),
    "e_lat_range": "lat {lat} is outside -90..90",
    # media on a record that is or becomes public (catalog/media_rules.py)
    "e_media_incomplete": (
        "cannot publish: every photo, recording and document needs its credit and licence; "
        "missing: {items}"
    ),
    "e_media_item": "#{id} '{caption}' ({missing})",
    "e_media_public": "media of a public record need credit and licence ({missing})",
    "w_media_credit": "credit",
    "w_media_licence": "licence",
    # why an uploaded file is refused (catalog/media_files.py)
    "e_file_empty": "the file is empty",
    "e_file_markup": "HTML and SVG files are not accepted",
    "e_file_type": "unsupported file type: JPEG, PNG, WebP, GIF, HEIC, MP3, M4A, Ogg or PDF",
    "e_file_zip": "the file is also a ZIP archive (a polyglot); not accepted",
    "e_file_script": "the file carries HTML or script (a polyglot); not accepted",
    "e_image_pixels": "the image has too many pixels ({width}x{height}): a decompression bomb",
    "e_image_bomb": "the image is a decompression bomb",
    "e_image_undecodable": "the image cannot be decoded",
    "e_image_damaged": "the image is truncated or damaged: {detail}",
    "e_pdf_truncated": "the PDF is truncated (no end-of-file marker)",
    "e_audio_unreadable": "the {format} audio cannot be read",
    # a video given as a link (catalog/video_links.py)
    "e_video_url": "the video link is not a web address (copy it from the browser's address bar)",
    "e_video_https": "a video link must start with https://",
    "e_video_host": "videos are linked only from {hosts}",
    "e_video_and_file": "give a file or a video link, not both",
    # a media bundle's rows that were not imported (catalog/io/media_bundle.py)
    "e_bundle_line": "media.csv line {n}",
    "e_bundle_no_owner": "{where}: no {kind} {slug} or no file",
    "e_bundle_hash": "{where}: the file does not match its SHA-256",
    "e_bundle_refused": "{where}: {reason}",
    # the resource library (catalog/library.py, library_schemas.py)
    "e_course_place": (
        "a course is taught at a site, on a route, or at a route's stop: give site, route or both"
    ),
    "e_course_stop": "stop (a stop number) needs route and cannot go with site",
    "e_not_a_stop": "site '{site}' is not a stop of route '{route}'",
    "e_no_stop": "route '{route}' has no stop {stop}",
    "e_instructor_twice": "an instructor is listed twice",
    "e_instructor_booked": (
        "instructor {name!r} already teaches class {other!r} ({slug}) from {start} to {end}"
    ),
    "e_instructor_and_instructors": "give instructors (a list), not instructor as well",
    "e_not_null": "cannot be cleared",
    "e_phone": "'{value}' is not a phone number (digits, spaces, + - ( ), e.g. 027-8888 6666)",
    "e_email": "'{value}' is not an email address",
    # polls (catalog/polls.py): questions and learners' answers
    "e_poll_options": "question {n}: a choice question needs 2 to {limit} options",
    "e_poll_no_options": "question {n}: only choice questions have options",
    "e_poll_unknown_question": "no question '{name}' in this poll",
    "e_poll_required": "please answer: {question}",
    "e_poll_choice": "'{question}': choose one of the options given",
    "e_poll_rating": "'{question}': give a rating from 1 to 5",
    "e_poll_text": "'{question}': at most {limit} characters",
    "e_poll_answered": "questions cannot change once the poll has answers",
    "e_poll_place": "a poll belongs to a class or to a route",
    "e_user_exists": "user {name!r} already exists",
    "e_username": "username {name!r} must be 2-64 letters, digits or _.@-",
    "e_password_length": "a password must be {low} to {high} characters long",
    "e_password_mismatch": "the two passwords differ",
    "e_last_admin": "{name!r} is the last active admin: add or enable another admin first",
    "e_reset_link": "this password link is unknown, already used or expired",
    "e_parent_self": "a site cannot be its own parent",
    "e_parent_unknown": "parent names no site in the registry or file",
    "e_required": "{field} is required",
    "field_name": "name",
    "field_category": "category",
    "e_unknown_term": "unknown value {value!r}; expected one of {accepted} or in Chinese {names}",
    "e_form_parent_unknown": "no site is called or has the slug '{name}'",
    "e_form_parent_ambiguous": "several sites are called '{name}': give its slug",
    "e_form_theme": "no theme is called '{name}'",
    "e_form_source": "the source line '{line}' is too long",
    "e_form_footprint": (
        "the footprint is not GeoJSON: paste a Polygon or MultiPolygon geometry (or a Feature "
        "holding one)"
    ),
    "e_slug_format": (
        "{value!r} cannot be a web address: use lower-case letters a-z, digits and single "
        "hyphens, e.g. ba-qi-hui-yi-hui-zhi"
    ),
    "e_slug_taken": "the slug (web address) {value!r} is already used by {other}",
    "e_code_taken": "the registry code {value!r} is already used by {other}",
    "e_form_coordinates": (
        "'{text}' is not a point: paste longitude and latitude, e.g. 114.30, 30.54"
    ),
    # opening hours and years as survey sheets write them (hours/zh.py, catalog/partial_dates.py)
    "hours_unreadable": (
        "cannot read '{part}' in the opening hours '{text}' (write e.g. "
        "周二至周日 9:00-17:00，周一闭馆 or OSM syntax Tu-Su 09:00-17:00)"
    ),
    "hours_no_times": "no opening times in '{text}' (write e.g. 周二至周日 9:00-17:00)",
    "hours_season_dates": "the season '{part}' needs its dates, e.g. 夏季（5月1日至10月31日）",
    "hours_no_end": "the time '{part}' has no end (write e.g. 9:00-17:00)",
    "hours_no_start": "'{part}' closes a day that has no opening time before it",
    "hours_empty_range": "'{part}' does not end after it starts",
    "hours_bad_time": "'{part}' is not a time of day",
    "hours_no_days": "{part}: the closed days leave no day open at these hours",
    "hours_last_entry_late": (
        "last entry {last_entry} must come before closing at {closing} (and at most 10 hours before)"
    ),
    "hours_last_entry_differs": (
        "last entry is {minutes} minutes before closing in different parts, which one number "
        "cannot hold; give it in last_entry_minutes and the rest in the hours note"
    ),
    "hours_last_entry_conflict": (
        "the opening hours say last entry {said} minutes before closing, but last_entry_minutes "
        "is {given}"
    ),
    "years_unreadable": (
        "cannot read '{part}' in the years '{text}' (write e.g. 1927, 1945-1949, 1920年代, "
        "民国十六年 or a dynasty such as 元、明)"
    ),
    "years_backwards": "the years '{text}' end before they start",
    # temporary closures (hours/closures.py)
    "closure_unreadable": (
        "cannot read the closure '{part}' (write e.g. 2027-02-01至2027-03-31 闭馆维修, one a line "
        "or separated by ；)"
    ),
    "closure_bad_date": "the closure '{part}' has a date that does not exist",
    "closure_backwards": "the closure ends ({end}) before it starts ({start})",
    "closure_note_separator": "a closure's note must not contain ';' or a line break",
    "closure_too_many": "at most {limit} closures",
    "closure_span": "temporarily closed {start} to {end}{note}",
    "closure_open": "temporarily closed from {start} until further notice{note}",
    "closure_note": ": {note}",
    "closure_now_until": "Temporarily closed until {end}{note}",
    "closure_now_open": "Temporarily closed until further notice{note}",
    "closure_soon_span": "Temporarily closed from {start} to {end}{note}",
    "closure_soon_open": "Temporarily closed from {start} until further notice{note}",
    "closed_closure": "closed on {dates}; {closure}",
    # a write that conflicts with what is stored (HTTP 409, said in the reader's language)
    "e_slug_used": "{entity} slug {slug!r} is already used",
    "e_site_not_archived": "site {slug!r} is not archived",
    "e_parent_missing": "parent site {id!r} does not exist",
    "e_poll_answered_by": "{learner!r} has already answered poll {poll}",
    "e_stops_share_place": "two stops share a day and position",
    "e_site_id_missing": "site {id!r} does not exist",
    "e_evaluated": "{who!r} has already evaluated {site!r} as {role}",
    "e_archived_restore": "{entity} {slug!r} is archived; restore it first (PATCH with status)",
    "e_unknown_record": "unknown {entity} {slug!r}",
    "e_feedback_decided": "feedback {id} is already {decision}",
    "e_dates_order": "{later} must not be before {earlier}",
    "e_db_conflict": "conflicts with an existing record",
    "entity_theme": "theme",
    "entity_route": "route",
    "entity_story": "story",
    "entity_person": "person",
    "entity_event": "event",
    "entity_site": "site",
    "rater_learner": "learner",
    "rater_teacher": "teacher",
    "rater_class_manager": "class_manager",
    "decision_pending": "pending",
    "decision_approved": "approved",
    "decision_rejected": "rejected",
    "date_born": "born",
    "date_died": "died",
    "date_date": "date",
    "date_end_date": "end_date",
    **PLAN_ENGLISH,
    **IMPORT_ENGLISH,
}

Field = Any
Formatter = Callable[[Field], str]


class Message(str):
    """An English sentence that remembers its key and fields (see the module docstring)."""

    key: str
    fields: Mapping[str, Field]

    def __new__(cls, key: str, **fields: Field) -> Message:
        template = ENGLISH[key]
        one = PLAN_ENGLISH_ONE.get(key)
        if one is not None and fields.get(one[0]) == 1:  # "1 day", where "2 days"
            template = one[1]
        text = template.format(**{k: english_field(v) for k, v in fields.items()})
        self = super().__new__(cls, text)
        self.key = key
        self.fields = fields
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.key, dict(self.fields)))

    def render(self, templates: Mapping[str, str], field: Formatter) -> str:
        """The sentence from `templates` (falling back to English), fields formatted by `field`."""
        template = templates.get(self.key)
        if template is None:
            return str(self)
        return template.format(**{k: field(v) for k, v in self.fields.items()})


def _rebuild(key: str, fields: dict[str, Field]) -> Message:
    return Message(key, **fields)


def said(exc: BaseException) -> str:
    """An error's sentence: its `Message` when it carries one, else its text."""
    return exc.args[0] if exc.args and isinstance(exc.args[0], Message) else str(exc)


def message_json(value: Field) -> Any:
    """A sentence (or a field of one) as JSON that `message_from_json` reads back whole.

    >>> message_from_json(message_json(Message("e_required", field=Message("field_name"))))
    'name is required'
    """
    if isinstance(value, Message):
        return {"$msg": value.key, "fields": {k: message_json(v) for k, v in value.fields.items()}}
    if isinstance(value, Name):
        return {"$name": value.zh, "en": value.en}
    if isinstance(value, tuple | list):
        return [message_json(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def message_from_json(value: Any) -> Any:
    """The inverse of `message_json` (lists come back as tuples; other values as stored)."""
    if isinstance(value, dict) and "$msg" in value:
        fields = {k: message_from_json(v) for k, v in value["fields"].items()}
        return Message(value["$msg"], **fields)
    if isinstance(value, dict) and "$name" in value:
        return Name(value["$name"], value.get("en"))
    if isinstance(value, list):
        return tuple(message_from_json(v) for v in value)
    return value


@dataclass(frozen=True, slots=True)
class Name:
    """A record's name as entered, given as a field: Chinese, and English where someone wrote it.

    A sentence shows the reader's name: an English sentence the English one, else the Chinese
    (a site without an English name keeps its own); a Chinese page always the Chinese.

    >>> n = Name("八七会议会址", "Site of the August 7 Conference")
    >>> str(Message("v_closed", name=n, date=dt.date(2026, 12, 7))), n.in_language("zh")
    ('Site of the August 7 Conference is closed on 2026-12-07 (Mon)', '八七会议会址')
    >>> Name("施洋烈士墓").in_language("en")
    '施洋烈士墓'
    """

    zh: str
    en: str | None = None

    def __str__(self) -> str:
        return self.in_language("en")

    def in_language(self, lang: str) -> str:
        """The name a reader of `lang` sees (``en``: the English name where one was entered)."""
        return self.en if lang == "en" and self.en else self.zh


class Sentences(tuple[Any, ...]):
    """Whole sentences given as one field (reasons a request fails): joined with "; " (a page:
    its `sentence_separator`), where a plain list of words is joined with commas."""

    __slots__ = ()


def english_field(value: Field) -> str:
    """A field as the English sentence shows it: dates with their weekday, lists with commas."""
    if isinstance(value, dt.date):
        return f"{value.isoformat()} ({value:%a})"
    if isinstance(value, Sentences):
        return "; ".join(english_field(v) for v in value)
    if isinstance(value, tuple | list):
        return ", ".join(english_field(v) for v in value)
    return str(value)
