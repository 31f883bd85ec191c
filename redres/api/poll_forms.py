"""Polls on pages without script: the teacher's form of numbered question blocks, the
learner's answers read from a plain form, and results drawn as inline SVG charts."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from redres.api.charts import bar_chart
from redres.api.i18n import translator
from redres.catalog.poll_tables import Poll
from redres.catalog.polls import CHOICE, QuestionKind

EMPTY_BLOCKS = 3
"""Empty question blocks the form offers below the filled ones ("more" adds as many again)."""
MAX_BLOCKS = 40
FIELDS = ("kind", "text", "text_en", "options", "order")

LABELS = {
    "title": "poll.title",
    "title_en": "poll.title_en",
    "questions": "poll.question",
    "learner": "learn.name",
    "status": "poll.status",
}
"""The poll forms' labels, for their error lines."""


def blocks_of(poll: Poll | None) -> list[dict[str, str]]:
    """A stored poll's questions as the form's blocks (options one a line, `中文 | English`)."""
    if poll is None:
        return []
    return [
        {
            "kind": q["kind"],
            "text": q["text"],
            "text_en": q.get("text_en") or "",
            "options": "\n".join(
                o["text"] + (f" | {o['text_en']}" if o.get("text_en") else "")
                for o in q.get("options", [])
            ),
            "required": "1" if q.get("required", True) else "",
            "order": str(n),
        }
        for n, q in enumerate(poll.questions, start=1)
    ]


def blocks_from_form(form: FormData) -> list[dict[str, str]]:
    """The question blocks a form sent, as typed (for showing the form again)."""
    raw = str(form.get("blocks", ""))
    count = int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_BLOCKS else 0
    out = []
    for n in range(1, count + 1):
        block = {f: str(form.get(f"q{n}_{f}", "")) for f in FIELDS}
        block["required"] = "1" if form.get(f"q{n}_required") else ""
        out.append(block)
    return out


def poll_payload(form: FormData, blocks: list[dict[str, str]]) -> dict[str, Any]:
    """What the form asks for, in the API's shape (validated by the same model): blocks with
    no question text are left out, the rest sorted by their order number."""
    filled = [(i, b) for i, b in enumerate(blocks) if b["text"].strip()]
    filled.sort(key=lambda ib: (_order(ib[1]["order"], ib[0]), ib[0]))
    return {
        "title": str(form.get("title", "")),
        "title_en": str(form.get("title_en", "")).strip() or None,
        "status": str(form.get("status", "draft")),
        "questions": [
            {
                "kind": b["kind"],
                "text": b["text"],
                "text_en": b["text_en"].strip() or None,
                "options": [_option(line) for line in b["options"].splitlines() if line.strip()]
                if b["kind"] in CHOICE
                else [],
                "required": bool(b["required"]),
            }
            for _, b in filled
        ],
    }


def answers_from_form(poll: Poll, form: FormData) -> dict[str, Any]:
    """A learner's answers from the phone page: `<key>` fields, several for multiple choice."""
    out: dict[str, Any] = {}
    for q in poll.questions:
        name = f"{q['key']}"
        if q["kind"] == QuestionKind.multiple:
            picked = [str(v) for v in form.getlist(name) if str(v).isdigit()]
            if picked:
                out[name] = [int(v) for v in picked]
        elif value := str(form.get(name, "")).strip():
            out[name] = value
    return out


def charts(results: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Each question's result for the page: a bar chart (choices, ratings) or the texts."""
    _ = translator(lang)
    out = []
    for n, q in enumerate(results["questions"], start=1):
        title = f"{n}. {_local(q, lang)}"
        item: dict[str, Any] = {"title": title, "answered": q["answered"], "kind": q["kind"]}
        if "options" in q:
            rows = [(_local(o, lang), o["count"]) for o in q["options"]]
            item["svg"] = bar_chart(rows, title=title, ordered=True)
        elif "distribution" in q:
            rows = [(_("learn.score", n=d["value"]), d["count"]) for d in q["distribution"]]
            item["svg"] = bar_chart(rows, title=title, ordered=True)
            item["mean"] = q["mean"]
        else:
            item["texts"] = q["texts"]
        out.append(item)
    return out


def _local(item: dict[str, Any], lang: str) -> str:
    return str(item.get("text_en") or item["text"]) if lang == "en" else str(item["text"])


def _option(line: str) -> dict[str, str | None]:
    text, _, english = line.partition("|")
    return {"text": text.strip(), "text_en": english.strip() or None}


def _order(raw: str, default: int) -> int:
    raw = raw.strip()
    return int(raw) if raw.isdigit() and len(raw) < 4 else default + 1
