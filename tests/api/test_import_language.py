"""Every message of an import reaches a Chinese reader in Chinese: the row report, a file refused
whole, a warning and the summary, through the API, the editor's page and the CLI.

Two guards: the importer's code raises no bare English sentence (each is a `Message`, worded once
in English in `import_messages.py` and once in Chinese in the locale), and every error path the
hostile-file suite and a sheet of bad rows can trigger is read back through the upload with a
Chinese reader and holds no English sentence.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session
from typer.testing import CliRunner

from redres.api.i18n import translator
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.catalog.io.importer import import_file
from redres.cli import app
from redres.messages import Message
from tests.api.forms import PASSWORD, bearer, csrf, sign_in
from tests.catalog.hostile import bad_inputs, zipped
from tests.factories import add_toy_sites

IO = Path(__file__).resolve().parents[2] / "redres" / "catalog" / "io"
LEFT_ALONE = {
    "media_bundle.py": "the media zip's messages belong to the media room's work",
}
"""Modules of `catalog/io` this guard does not read, with the reason."""
SETTINGS = {"__post_init__", "export_stream"}
"""Functions whose errors are a programmer's mistake, never a reader's: wrong settings
(ImportLimits), a streamed export of a format built as a file (callers ask `streams` first)."""

_WORD = r"(?<![\w-])[A-Za-z]+(?![\w-])"
ENGLISH = re.compile(rf"{_WORD}(?:[ ,'’]+{_WORD}){{2,}}")
"""Three English words in a row: a sentence, not a format name (GeoJSON, UTF-8, OSM) nor a
list of the codes a column accepts (memorial_hall, museum, martyrs_cemetery)."""
QUOTED = re.compile(r"「[^」]*」|“[^”]*”")
"""What the reader wrote (a value, a file name, a header), which may well be English."""


def english_in(text: str) -> str | None:
    """The English sentence in `text`, outside what it quotes, if any."""
    found = ENGLISH.search(QUOTED.sub("", text))
    return found.group() if found else None


def _bare_sentences(path: Path) -> list[str]:
    """`raise X("...")`, `msg = f"..."` and `RowError(..., "...")` in a module: sentences
    that would reach the reader in English only."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) and func.name in SETTINGS:
            func.body = []  # its errors are for the programmer
    for node in ast.walk(tree):
        text: ast.expr | None = None
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
            text = node.exc.args[0]
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in ("msg", "reason") for t in node.targets
        ):
            text = node.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "RowError"
            and len(node.args) == 4
        ):
            text = node.args[3]
        if isinstance(text, ast.JoinedStr) or (
            isinstance(text, ast.Constant) and isinstance(text.value, str)
        ):
            found.append(f"{path.name}:{node.lineno}")
    return found


def test_the_importer_raises_no_bare_english_sentence() -> None:
    modules = [p for p in sorted(IO.glob("*.py")) if p.name not in LEFT_ALONE]
    bare = [where for path in modules for where in _bare_sentences(path)]
    assert not bare, f"say these with a Message (import_messages.py and zh.json): {bare}"


# A survey sheet as a tourism office fills it, every row wrong in another way.
HEADER = [
    "名称", "类别", "经度", "纬度", "开放时间", "年代", "临时闭馆", "最大接待量",
    "票价", "普查日期", "主题", "坐标为近似", "范围", "上级", "来源", "随手记",
]  # fmt: skip
BAD_ROWS = [
    ["", "旧址"],
    ["甲", "寺庙"],
    ["乙", "旧址", "abc", "30.6"],
    ["丙", "旧址", "2.35", "48.85"],
    ["丁", "旧址", "30.6", "114.3"],
    ["戊", "旧址", "30°36'N", "30.6"],
    ["己", "旧址", "114.3", ""],
    ["庚", "旧址", "", "", "逢双日开放"],
    ["辛", "旧址", "", "", "Mx-Fr 09:00"],
    ["壬", "旧址", "", "", "", "大约很久以前"],
    ["癸", "旧址", "", "", "", "", "2027-03-01至2027-02-01 闭馆维修"],
    ["子", "旧址", "", "", "", "", "", "几百"],
    ["丑", "旧址", "", "", "", "", "", "0"],
    ["寅", "旧址", "", "", "", "", "", "", "2O元"],
    ["卯", "旧址", "", "", "", "", "", "", "", "去年春天"],
    ["辰", "旧址", "", "", "", "", "", "", "", "", "没有的主题"],
    ["巳", "旧址", "", "", "", "", "", "", "", "", "", "也许"],
    ["午", "旧址", "", "", "", "", "", "", "", "", "", "", "{不是JSON"],
    ["未", "旧址", "", "", "", "", "", "", "", "", "", "", '{"type": "Point"}'],
    ["申", "旧址", "", "", "", "", "", "", "", "", "", "", "", "不存在的上级"],
    ["酉", "旧址", "", "", "", "", "", "", "", "", "", "", "", "", "长" * 600],
    ["戌" * 300, "旧址"],
    ["亥", "旧址", "114.3", "30.6"],
    ["亥", "旧址", "114.3", "30.6"],
]
"""Each row's error: no name, an unknown category, a bad, foreign, swapped, half-given
coordinate, unreadable hours (Chinese and OSM), years, closure, capacity (twice), price, date,
theme, yes/no, footprint (no JSON, not a polygon), parent, source, a name too long, a duplicate."""


def _csv(rows: list[list[str]]) -> bytes:
    """The sheet as a GBK CSV, the way Excel saves one on a Chinese Windows."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("gb18030")


SHEET = _csv([HEADER, *BAD_ROWS])


@pytest.fixture
def catalogue(session: Session) -> None:
    """The toy catalogue and an editor."""
    add_toy_sites(session)
    create_user(session, "editor", PASSWORD, Role.editor)
    session.commit()


@pytest.fixture
def follow_redirects() -> bool:
    return False


@pytest.fixture
def editor(client: TestClient) -> dict[str, str]:
    return bearer(client, "editor")


def _post(
    client: TestClient, name: str, data: bytes, headers: dict[str, str], **params: Any
) -> Any:
    files = {"file": (name, io.BytesIO(data), "application/octet-stream")}
    return client.post("/api/import", files=files, params=params, headers=headers)


def test_every_bad_row_of_a_survey_sheet_is_said_in_chinese(
    client: TestClient, editor: dict[str, str]
) -> None:
    r = _post(client, "普查表.csv", SHEET, editor | {"Accept-Language": "zh-CN"})
    assert r.status_code == 422, r.text
    report = r.json()
    assert report["rows"] == len(BAD_ROWS)
    assert report["bad_rows"] == len(BAD_ROWS) - 1  # the first of the two 亥 is good
    assert len(report["errors"]) >= report["bad_rows"]
    for error in report["errors"]:
        assert error["reason_key"], error
        assert error["reason"] != error["reason_en"], error
        assert not english_in(error["reason"]), (english_in(error["reason"]), error)
    assert report["warnings"] == ["“随手记”列不是登记字段，已忽略"]
    english = _post(client, "普查表.csv", SHEET, editor | {"Accept-Language": "en"}).json()
    for en, zh in zip(english["errors"], report["errors"], strict=True):
        assert en["reason_en"] == zh["reason_en"]
        assert en["reason"] != zh["reason"]


@pytest.mark.parametrize("case", [*bad_inputs(Path("/nonexistent")), "unsupported", "no-name"])
def test_every_refused_file_is_said_in_chinese(
    client: TestClient, editor: dict[str, str], tmp_path: Path, case: str
) -> None:
    more = {
        "unsupported": ("普查表.txt", b"x"),
        "no-name": ("普查表.csv", "地址,备注\n武昌,无\n".encode("gb18030")),
    }
    name, data = more[case] if case in more else bad_inputs(tmp_path / "secret")[case][:2]
    r = _post(client, name, data, editor)  # no language asked: Chinese first
    assert r.status_code in (400, 413, 422), r.text
    body = r.json()
    assert body["detail"] != body["detail_en"]
    assert not english_in(body["detail"]), (english_in(body["detail"]), body)


def test_a_shapefile_zip_and_an_unknown_system_are_said_in_chinese(
    client: TestClient, editor: dict[str, str]
) -> None:
    stray = zipped({"a.shp": b"x", "b.txt": b"y"})
    for name, data, params in (
        ("调查.zip", stray, {}),
        ("调查.zip", zipped({"readme.txt": b"x"}), {}),
        ("调查.csv", SHEET, {"crs": "火星坐标"}),
    ):
        r = _post(client, name, data, editor, **params)
        assert r.status_code in (400, 422), r.text
        assert not english_in(r.json()["detail"]), r.json()


def test_the_editor_page_says_the_report_and_a_refusal_in_chinese(
    client: TestClient, editor: dict[str, str]
) -> None:
    sign_in(client, "editor")
    token = csrf(client.get("/editor/import").text)
    for name, data in (("普查表.csv", SHEET), ("普查表.geojson", b"{not json")):
        r = client.post(
            "/editor/import",
            data={"csrf": token},
            files={"file": (name, io.BytesIO(data), "text/csv")},
            headers={"Accept-Language": "zh-CN"},
        )
        assert r.status_code in (400, 422)
        main = r.text.split("<main", 1)[1].split("</main>", 1)[0]
        text = re.sub(r"<[^>]+>", " ", main)
        assert not english_in(text), english_in(text)
    assert "有错误的 23 行" not in text  # the last page was the refusal


def test_the_cli_says_the_report_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "普查表.csv"
    path.write_bytes(SHEET)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    result = CliRunner().invoke(app, ["import", str(path), "--db", db, "--lang", "zh"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[-1].startswith(f"未写入任何数据：{len(BAD_ROWS)} 行中有 {len(BAD_ROWS) - 1} 行")
    for line in lines:
        shown = re.sub(r"（填写的值：.*）$", "", line)  # the value is the sheet's own
        assert not english_in(shown), line
    english = CliRunner().invoke(app, ["import", str(path), "--db", db, "--lang", "en"])
    assert english.output.splitlines()[-1].startswith(
        f"nothing written: {len(BAD_ROWS) - 1} bad of {len(BAD_ROWS)} rows"
    )


def test_a_messages_json_comes_back_whole(session: Session, tmp_path: Path) -> None:
    """A background job keeps its report as JSON: its reasons must still translate."""
    from redres.catalog.import_jobs import _report_json, report_from_json

    path = tmp_path / "普查表.csv"
    path.write_bytes(SHEET)
    report = import_file(session, path)
    session.rollback()
    kept = report_from_json(json.dumps(_report_json(report), default=str))
    zh = translator("zh")
    for before, after in zip(report.errors, kept["errors"], strict=True):
        assert isinstance(after["reason"], Message)
        assert zh(after["reason"]) == zh(before.reason)


def test_a_background_job_says_its_report_and_its_refusal_in_chinese(
    engine: Any, session: Session, tmp_path: Path
) -> None:
    """A large upload's job keeps its report and refusal as JSON: read back, both translate."""
    from redres.api.survey_import import job_body
    from redres.catalog.import_jobs import ImportJob, create_job, run_job
    from redres.catalog.io.importer import ImportOptions

    jobs = tmp_path / "jobs"
    bodies = []
    for name, data in (("普查表.csv", SHEET), ("普查表.geojson", b"{not json")):
        upload = tmp_path / name
        upload.write_bytes(data)
        job = create_job(session, jobs, upload, name, ImportOptions(actor="editor"))
        session.commit()
        run_job(engine, jobs, job.id or 0)
        session.expire_all()
        done = session.get(ImportJob, job.id)
        assert done is not None
        bodies.append(job_body(done, jobs, translator("zh")))
    report, refused = bodies
    assert report["status"] == 422
    assert report["report"]["bad_rows"] == len(BAD_ROWS) - 1
    for error in report["report"]["errors"]:
        assert not english_in(error["reason"]), error
    assert refused["status"] == 400
    assert refused["error"].startswith("“普查表.geojson”不是 GeoJSON")
    assert refused["error_en"].startswith("'普查表.geojson' is not GeoJSON")
