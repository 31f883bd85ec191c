"""What a poll's answers add up to: counts per option, the rating's mean and spread, and the
free-text answers (for the class's teacher and staff only; never who wrote them)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from redres.catalog.models import pk
from redres.catalog.poll_tables import Poll, PollAnswer
from redres.catalog.polls import QuestionKind, poll_dict


def poll_results(
    session: Session, poll: Poll, class_ids: list[int] | None = None
) -> dict[str, Any]:
    """The results of `poll` over the answers given in `class_ids` (every class when None).

    Examples of the shape, per question: a choice question has `options: [{text, text_en,
    count}]`, a rating `mean` and `distribution: [{value, count}]` for 1-5, free text `texts`.
    """
    stmt = select(PollAnswer).where(PollAnswer.poll_id == pk(poll)).order_by(col(PollAnswer.id))
    if class_ids is not None:
        stmt = stmt.where(col(PollAnswer.class_id).in_(class_ids))
    rows = [r.answers for r in session.exec(stmt).all()]
    return {
        "poll": poll_dict(poll),
        "answers": len(rows),
        "questions": [
            question_result(q, [r[q["key"]] for r in rows if q["key"] in r]) for q in poll.questions
        ],
    }


def question_result(question: dict[str, Any], given: list[Any]) -> dict[str, Any]:
    """One question's tally from the answers given to it.

    Examples
    --------
    >>> q = {"key": "q1", "kind": "rating", "text": "满意度", "text_en": None, "options": []}
    >>> r = question_result(q, [5, 4, 5])
    >>> r["mean"], [d["count"] for d in r["distribution"]]
    (4.67, [0, 0, 0, 1, 2])
    """
    out: dict[str, Any] = {
        "key": question["key"],
        "kind": question["kind"],
        "text": question["text"],
        "text_en": question.get("text_en"),
        "answered": len(given),
    }
    kind = question["kind"]
    if kind in (QuestionKind.single, QuestionKind.multiple):
        chosen = [v for value in given for v in (value if isinstance(value, list) else [value])]
        out["options"] = [
            {"text": o["text"], "text_en": o.get("text_en"), "count": chosen.count(i)}
            for i, o in enumerate(question.get("options", []))
        ]
    elif kind == QuestionKind.rating:
        out["mean"] = round(sum(given) / len(given), 2) if given else None
        out["distribution"] = [{"value": v, "count": given.count(v)} for v in range(1, 6)]
    else:
        out["texts"] = [str(v) for v in given]
    return out
