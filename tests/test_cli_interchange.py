"""`redres import` and `redres export`: reports, exit codes, and a round trip through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redres.cli import app
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
