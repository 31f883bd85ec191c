"""A class's evaluations and a poll's results as XLSX workbooks, headed in the reader's
language. Learners' names go into the raw rows only when asked for by someone who may see them
(a file travels further than a page)."""

from __future__ import annotations

from typing import Any

from redres.api.i18n import translator
from redres.api.tables import Sheet, to_workbook
from redres.catalog.class_evaluations import CRITERIA, RaterRole
from redres.catalog.class_tables import ClassEvaluation
from redres.catalog.models import Site


def evaluation_workbook(
    summary: dict[str, Any],
    rows: list[tuple[ClassEvaluation, Site]],
    lang: str,
    *,
    names: bool,
) -> bytes:
    """Two sheets: per stop, criterion and role the count and mean; then one row per
    evaluation (when, stop, role, scores, comment, and the learner's name if `names`)."""
    _ = translator(lang)
    header = [_("class.date"), _("class.stop"), _("poll.criterion")]
    for role in RaterRole:
        header += [
            _("poll.count_of", role=_(f"class.role.{role}")),
            _("poll.mean_of", role=_(f"class.role.{role}")),
        ]
    table = []
    for site in summary["sites"]:
        for key in CRITERIA:
            line: list[Any] = [site["date"], site["name"], _(f"class.criterion.{key}")]
            for role in RaterRole:
                cell = site["criteria"][key][role.value]
                line += [cell["count"], cell["mean"]]
            table.append(line)
    raw_header = [_("poll.time"), _("class.stop"), _("class.rater_role")]
    raw_header += [_(f"class.criterion.{k}") for k in CRITERIA] + [_("learn.comment")]
    if names:
        raw_header.append(_("learn.name"))
    raw = []
    for ev, site in rows:
        line = [
            ev.created_at.strftime("%Y-%m-%d %H:%M"),
            site.name,
            _(f"class.role.{ev.rater_role}"),
        ]
        line += [ev.scores.get(k) for k in CRITERIA] + [ev.comment or ""]
        if names:
            line.append(ev.learner or "")
        raw.append(line)
    return to_workbook(
        [Sheet(_("class.summary"), header, table), Sheet(_("poll.raw"), raw_header, raw)]
    )


def poll_workbook(results: dict[str, Any], lang: str) -> bytes:
    """One sheet of tallies (question, answer, count or mean) and one of free-text answers."""
    _ = translator(lang)
    tally: list[list[Any]] = []
    texts: list[list[Any]] = []
    for n, q in enumerate(results["questions"], start=1):
        title = _text(q, lang)
        if "options" in q:
            tally += [[n, title, _text(o, lang), o["count"]] for o in q["options"]]
        elif "distribution" in q:
            tally += [
                [n, title, _("learn.score", n=d["value"]), d["count"]] for d in q["distribution"]
            ]
            tally.append([n, title, _("poll.mean"), q["mean"]])
        else:
            texts += [[n, title, t] for t in q["texts"]]
        tally.append([n, title, _("poll.answered"), q["answered"]])
    return to_workbook(
        [
            Sheet(
                _("poll.results"),
                ["#", _("poll.question"), _("poll.answer"), _("poll.count")],
                tally,
            ),
            Sheet(_("poll.texts"), ["#", _("poll.question"), _("poll.answer")], texts),
        ]
    )


def _text(item: dict[str, Any], lang: str) -> str:
    """A question's or option's text in the reader's language, Chinese when no English."""
    return str(item.get("text_en") or item["text"]) if lang == "en" else str(item["text"])
