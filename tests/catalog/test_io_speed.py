"""The faster import paths give exactly what the plain ones give.

- `search.index_terms` (plain loops) equals the set-comprehension reference it replaced;
- conversions remembered per file (`cells.convert_cell`) give the same rows and the same
  errors as converting every cell afresh;
- multi-row INSERTs on SQLite store the same sites, search terms and audit rows as one row per
  statement.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin
from sqlalchemy import text
from sqlmodel import Session, select

from redres.catalog import bulk, search_index
from redres.catalog.account_tables import AuditLog
from redres.catalog.enums import STAFF
from redres.catalog.io import import_file
from redres.catalog.io.cells import theme_lookup
from redres.catalog.io.fields import map_headers
from redres.catalog.io.formats import format_for
from redres.catalog.io.limits import ImportLimits
from redres.catalog.io.rows import RowContext
from redres.catalog.io.validate import parse_row
from redres.catalog.listing import SiteQuery, list_sites
from redres.catalog.models import Site
from redres.catalog.search import SearchText, index_terms, syllables
from tests.catalog.test_io_helpers import write_csv
from tests.conftest import DEMO_DIR
from tests.factories import add_themes

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_JUNK = re.compile(r"[^0-9a-z]+")
_ZH_JUNK = re.compile(r"[\s\u3000-\u303f\uff00-\uff0f\uff1a-\uff20()\[\]\"'“”‘’·,.;:!?/\\-]+")


def reference_terms(t: SearchText) -> set[tuple[str, str]]:
    """The definition `index_terms` must keep (its earlier, slower code)."""

    def zh_norm(s: str) -> str:
        return _ZH_JUNK.sub("", unicodedata.normalize("NFKC", s).lower())

    terms: set[tuple[str, str]] = set()
    for field in [t.name, *t.aliases, t.address or "", *t.story_titles]:
        norm = zh_norm(field)
        grams = set(norm) | {norm[i : i + 2] for i in range(len(norm) - 1)}
        terms.update(("zh", g) for g in grams if _CJK.search(g))
    for name in (t.name, *t.aliases):
        parts = syllables(name)
        for i in range(len(parts)):
            terms.add(("py", "".join(parts[i:])[:200]))
            terms.add(("in", "".join(s[0] for s in parts[i:])[:200]))
    if t.name_en:
        words = [w for w in _LATIN_JUNK.split(t.name_en.lower()) if w]
        for i in range(len(words)):
            terms.add(("en", "".join(words[i:])[:200]))
    if t.code:
        terms.add(("en", _LATIN_JUNK.sub("", unicodedata.normalize("NFKC", t.code).lower())))
    return {(k, v) for k, v in terms if v}


_DEMO = json.loads((DEMO_DIR / "sites.json").read_text(encoding="utf-8"))
DEMO_NAMES = [n for s in _DEMO for n in (s["name"], *s.get("aliases", []))]
DEMO_ADDRESSES = [s.get("address") or "" for s in _DEMO]

TEXT = st.text(
    alphabet="中华人民共和国八七会议旧址纪念馆长行乐abcXYZ 019-·（）(),，。;；\u3400\uf900ü\u3000Ⅻ",
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(
    name=TEXT.filter(bool),
    aliases=st.lists(TEXT, max_size=3),
    name_en=st.none() | TEXT,
    address=st.none() | TEXT,
    code=st.none() | TEXT,
    titles=st.lists(TEXT, max_size=2),
)
def test_index_terms_equal_reference(
    name: str,
    aliases: list[str],
    name_en: str | None,
    address: str | None,
    code: str | None,
    titles: list[str],
) -> None:
    t = SearchText(name, tuple(aliases), name_en, address, code, tuple(titles))
    assert index_terms(t) == reference_terms(t)


def reference_syllables(text: str) -> tuple[str, ...]:
    """What `syllables` must keep giving: pypinyin's own `lazy_pinyin`, normalised."""
    norm = _ZH_JUNK.sub("", unicodedata.normalize("NFKC", text).lower())
    chunks = lazy_pinyin(norm, style=Style.NORMAL, errors=lambda chars: chars)
    out = (
        _LATIN_JUNK.sub("", unicodedata.normalize("NFKC", c.replace("ü", "v")).lower())
        for c in chunks
    )
    return tuple(c for c in out if c)


@settings(max_examples=300, deadline=None)
@given(text=TEXT | st.sampled_from(DEMO_NAMES))
def test_syllables_equal_pypinyin(text: str) -> None:
    assert syllables(text) == reference_syllables(text)


def test_syllables_of_every_demo_name_and_address() -> None:
    texts = [t for t in DEMO_NAMES + DEMO_ADDRESSES if t]
    assert [syllables(t) for t in texts] == [reference_syllables(t) for t in texts]


ROWS: list[list[Any]] = [
    [
        "编号",
        "名称",
        "类别",
        "时期",
        "保护级别",
        "参观时长",
        "最大接待量",
        "开放时间",
        "经度",
        "纬度",
    ],
    [
        "A1",
        "甲旧址",
        "旧址",
        "大革命时期",
        "省级文物保护单位",
        "90分钟",
        "500人",
        "Tu-Su 09:00-17:00",
        "114.3",
        "30.6",
    ],
    [
        "A2",
        "乙旧址",
        "旧址",
        "大革命时期",
        "省级文物保护单位",
        "90分钟",
        "500人",
        "Tu-Su 09:00-17:00",
        "114.4",
        "30.6",
    ],
    ["A3", "丙旧址", "城堡", "大革命时期", "", "九十分钟", "500人", "Mo-Zz", "114.5", "30.6"],
    ["A4", "丁旧址", "城堡", "宋朝", "", "九十分钟", "-3", "Mo-Zz", "114.6", "30.6"],
    [
        "A5",
        "戊纪念馆",
        "纪念馆",
        "宋朝",
        "全国重点文物保护单位",
        "1.5小时",
        "-3",
        "",
        "114.7",
        "30.6",
    ],
    ["A6", "己纪念馆", "纪念馆", "great_revolution", "county", "1.5小时", "0", "", "114.8", "30.6"],
]


def test_remembered_conversions_equal_fresh_ones(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ROWS)
    table = format_for(path).read(path, ImportLimits())
    columns = map_headers(table.headers)
    themes = theme_lookup({})
    shared = RowContext(columns=columns, themes=themes)
    raws = list(table.rows)
    for _ in range(2):  # the second pass is answered from the memo
        for raw in raws:
            fresh = parse_row(raw, RowContext(columns=columns, themes=themes))
            assert parse_row(raw, shared) == fresh
    assert shared.memo  # the memo was used
    bad = [parse_row(raw, shared) for raw in raws]
    assert [isinstance(b, list) for b in bad] == [False, False, True, True, True, True]


def _snapshot(
    session: Session,
) -> tuple[list[tuple[Any, ...]], set[tuple[str, str, str]], list[Any]]:
    skip = {"id", "created_at", "updated_at", "parent_id"}
    cols = [c for c in Site.model_fields if c not in skip]
    sites = sorted(tuple(getattr(s, c) for c in cols) for s in session.exec(select(Site)))
    code = {s.id: s.code for s in session.exec(select(Site))}
    terms = {(code[i] or "", k, t) for i, k, t in search_index.all_terms(session.connection())}
    audits = sorted(
        (
            a.action,
            a.actor,
            {k: v for k, v in (a.after or {}).items() if k != "id"}.items().__repr__(),
        )
        for a in session.exec(select(AuditLog))
    )
    return sites, terms, audits


def test_multi_row_inserts_store_what_single_rows_store(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_themes(session)
    rows = [["编号", "名称", "英文名称", "类别", "别名", "地址", "经度", "纬度", "主题"]]
    for i in range(23):
        rows.append(
            [
                f"C{i:02d}",
                f"第{i}号革命旧址",
                f"Site {i}",
                "旧址",
                f"别名{i};又名{i}",
                f"武汉市江岸区胜利街{i}号",
                114 + i / 100,
                30.5,
                "great-revolution=0.5",
            ]
        )
    path = write_csv(tmp_path / "many.csv", rows)
    snapshots = []
    for per, batch in ((1, 2000), (5, 7)):
        monkeypatch.setattr(bulk, "ROWS_PER_STATEMENT", per)
        monkeypatch.setattr(bulk, "BATCH", batch)
        report = import_file(session, path)
        session.commit()
        assert report.created == 23, report.errors
        snapshots.append(_snapshot(session))
        found = list_sites(session, SiteQuery(q="di12hao"), visible=STAFF)
        assert [h.site.code for h in found.items][:1] == ["C12"]
        for table in (
            search_index.table_name(session.connection()),
            "sitetheme",
            "auditlog",
            "site",
        ):
            session.execute(text(f"DELETE FROM {table}"))
        session.commit()
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0][1]) > 23 * 20  # terms were written
