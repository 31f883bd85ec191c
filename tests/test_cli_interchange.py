"""`redres import` and `redres export`: reports, exit codes, and a round trip through the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select
from typer.testing import CliRunner

from redres.catalog.models import Site
from redres.cli import app
from tests.catalog.hostile import AIMS, SECRET, bad_inputs, disguise, front_door_layouts, trap
from tests.catalog.test_io_helpers import write_csv

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file with the demo catalogue."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-io') / 'demo.db'}"
    assert runner.invoke(app, ["demo", "--db", url]).exit_code == 0
    return url


@pytest.mark.parametrize("ext", [".csv", ".gpkg", ".kmz"])
def test_export_then_reimport_changes_nothing(demo_db: str, tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"out{ext}"
    result = runner.invoke(app, ["export", str(path), "--db", demo_db, "--status", "published"])
    assert result.exit_code == 0, result.output
    assert "exported 45 sites" in result.output
    again = runner.invoke(app, ["import", str(path), "--db", demo_db])
    assert again.exit_code == 0, again.output
    assert "0 new, 0 updated, 45 unchanged" in again.output


def test_bad_rows_exit_2_and_list_row_column_reason(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    path = write_csv(
        tmp_path / "a.csv",
        [["名称", "类别", "经度", "纬度"], ["好", "旧址", "", ""], ["坏", "寺庙", "", ""]],
    )
    result = runner.invoke(app, ["import", str(path), "--db", db])
    assert result.exit_code == 2
    assert "a.csv: row 3, column '类别': unknown value '寺庙'" in result.output
    assert "nothing written" in result.output
    skipped = runner.invoke(app, ["import", str(path), "--db", db, "--skip-invalid", "--json"])
    assert skipped.exit_code == 0, skipped.output
    report = json.loads(skipped.output)
    assert report["created"] == 1
    assert report["errors"][0]["row"] == 3


def test_dry_run_and_status(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    path = write_csv(tmp_path / "a.csv", [["名称", "类别"], ["好", "旧址"]])
    dry = runner.invoke(app, ["import", str(path), "--db", db, "--dry-run"])
    assert dry.exit_code == 0
    assert "would import: 1 new" in dry.output
    listed = runner.invoke(app, ["sites", "list", "--db", db, "--json"])
    assert json.loads(listed.output)["total"] == 0
    done = runner.invoke(app, ["import", str(path), "--db", db, "--status", "published"])
    assert done.exit_code == 0, done.output
    listed = runner.invoke(app, ["sites", "list", "--db", db, "--json", "--status", "published"])
    assert json.loads(listed.output)["total"] == 1


def test_file_errors_exit_2_with_a_message(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    bad = tmp_path / "a.txt"
    bad.write_text("x")
    result = runner.invoke(app, ["import", str(bad), "--db", db])
    assert result.exit_code == 2
    assert "unsupported file type '.txt'" in result.output
    missing = runner.invoke(app, ["import", str(tmp_path / "none.csv"), "--db", db])
    assert missing.exit_code == 2
    assert "cannot read" in missing.output


def test_bad_options_exit_2(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    path = write_csv(tmp_path / "a.csv", [["名称", "类别"], ["好", "旧址"]])
    archived = runner.invoke(app, ["import", str(path), "--db", db, "--status", "archived"])
    assert archived.exit_code == 2
    assert "draft or published" in archived.output
    crs = runner.invoke(app, ["import", str(path), "--db", db, "--crs", "EPSG:999999"])
    assert crs.exit_code == 2
    assert "unknown EPSG code 999999" in crs.output


def test_an_administrator_raises_the_limits_for_a_whole_registry(tmp_path: Path) -> None:
    """The limits that guard the server refuse a national registry by default; the command
    says how to raise them, and raised they import it."""
    db = f"sqlite:///{tmp_path / 'x.db'}"
    rows = [["名称", "类别"], *[[f"第{i}号旧址", "旧址"] for i in range(5)]]
    path = write_csv(tmp_path / "a.csv", rows)
    refused = runner.invoke(app, ["import", str(path), "--db", db, "--max-rows", "4"])
    assert refused.exit_code == 2
    assert "more than 4 rows" in refused.output
    assert "--max-rows" in refused.output
    too_big = runner.invoke(app, ["import", str(path), "--db", db, "--max-size-mb", "0"])
    assert too_big.exit_code == 2  # not a limit: refused as an option
    raised = runner.invoke(app, ["import", str(path), "--db", db, "--max-rows", "5"])
    assert raised.exit_code == 0, raised.output
    listed = runner.invoke(app, ["sites", "list", "--db", db, "--json"])
    assert json.loads(listed.output)["total"] == 5


@pytest.mark.slow
def test_progress_goes_to_a_terminal_only(tmp_path: Path) -> None:
    """On a terminal the import shows how many sites it has written; piped, only the report."""
    import os
    import pty
    import subprocess
    import sys

    path = write_csv(tmp_path / "a.csv", [["名称", "类别"], ["甲旧址", "旧址"], ["乙旧址", "旧址"]])
    command = [str(Path(sys.executable).with_name("redres")), "import", str(path)]
    main, sub = pty.openpty()
    with subprocess.Popen(
        [*command, "--db", f"sqlite:///{tmp_path / 'tty.db'}"], stderr=sub, stdout=subprocess.PIPE
    ) as proc:
        os.close(sub)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 1024)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            shown += chunk
        assert proc.wait() == 0
    os.close(main)
    assert "writing sites: 2 / 2" in shown.decode()
    piped = subprocess.run(
        [*command, "--db", f"sqlite:///{tmp_path / 'pipe.db'}"], capture_output=True, text=True
    )
    assert piped.returncode == 0, piped.stderr
    assert "writing sites" not in piped.stderr + piped.stdout
    assert "2 new" in piped.stdout


def _sites(engine: Engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(Site)).one()


# Both are refused while the file is read, before any SQL: the PostgreSQL half runs in CI.
@pytest.mark.postgres_in_ci
@pytest.mark.parametrize("aim", AIMS)
@pytest.mark.parametrize("layout", front_door_layouts())
def test_import_refuses_a_vrt_unread(
    engine: Engine, db_url: str, tmp_path: Path, layout: str, aim: str
) -> None:
    """`redres import` of a GDAL VRT under any accepted name and zip layout, on both engines:
    exit 2 with one error line, the secret file unread, the URL never requested, no site."""
    before = _sites(engine)
    with trap(tmp_path) as t:
        name, data = disguise(layout, t.vrt(aim))
        path = tmp_path / "upload" / name
        path.parent.mkdir()
        path.write_bytes(data)
        result = runner.invoke(app, ["import", str(path), "--db", db_url])
        assert t.requests == []
    assert result.exit_code == 2, result.output
    assert re.fullmatch(r"error: [^\n]+\n", result.output), result.output
    assert SECRET not in result.output
    assert _sites(engine) == before


@pytest.mark.postgres_in_ci
@pytest.mark.parametrize("case", bad_inputs(Path("/nonexistent")))
def test_import_of_a_broken_file_exits_2_with_the_reason(
    engine: Engine, db_url: str, tmp_path: Path, case: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    name, data, message = bad_inputs(secret)[case]
    path = tmp_path / name
    path.write_bytes(data)
    before = _sites(engine)
    result = runner.invoke(app, ["import", str(path), "--db", db_url])
    assert result.exit_code == 2, result.output
    assert re.match("error: " + message, result.output), result.output
    assert SECRET not in result.output
    assert _sites(engine) == before


def test_import_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    folder = tmp_path / "sites.csv"
    folder.mkdir()
    result = runner.invoke(app, ["import", str(folder), "--db", db])
    assert result.exit_code == 2
    assert "not a regular file" in result.output
    remote = runner.invoke(app, ["import", "/vsicurl/http://127.0.0.1:9/x.gpkg", "--db", db])
    assert remote.exit_code == 2
    assert "cannot read" in remote.output
