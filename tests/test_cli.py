"""The `redres` command: init, demo, sites list/search, holidays, and its errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from redres.cli import app
from redres.db import alembic_config, make_engine

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file with the demo catalogue, loaded through the command line."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'demo.db'}"
    result = runner.invoke(app, ["demo", "--db", url])
    assert result.exit_code == 0, result.output
    assert "45 sites" in result.output
    return url


def test_init_creates_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    result = runner.invoke(app, ["init", "--db", url])
    assert result.exit_code == 0
    head = ScriptDirectory.from_config(alembic_config(make_engine(url))).get_current_head()
    assert f"schema revision {head}" in result.output


def test_demo_twice_changes_nothing(demo_db: str) -> None:
    before = runner.invoke(app, ["sites", "list", "--db", demo_db, "--json", "--limit", "1000"])
    again = runner.invoke(app, ["demo", "--db", demo_db])
    after = runner.invoke(app, ["sites", "list", "--db", demo_db, "--json", "--limit", "1000"])
    assert again.exit_code == 0
    assert json.loads(before.output) == json.loads(after.output)
    skipped = runner.invoke(app, ["demo", "--db", demo_db, "--if-empty"])
    assert "not loaded" in skipped.output


def test_search_prints_a_table_best_match_first(demo_db: str) -> None:
    result = runner.invoke(app, ["sites", "search", "bqhy", "--db", demo_db])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["id", "slug", "name"]
    assert "八七会议会址" in lines[1]


def test_list_json_with_filters(demo_db: str) -> None:
    result = runner.invoke(
        app, ["sites", "list", "--db", demo_db, "--district", "武昌区", "--json", "--limit", "500"]
    )
    data = json.loads(result.output)
    assert data["total"] == len(data["features"]) > 0
    assert {f["properties"]["district"] for f in data["features"]} == {"武昌区"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sites", "list", "--bbox", "1,2,3"], "bbox"),
        (["sites", "list", "--radius-m", "100"], "needs near"),
        (["sites", "list", "--near", "x,y", "--radius-m", "5"], "point"),
    ],
)
def test_bad_input_exits_non_zero_with_a_message(
    demo_db: str, args: list[str], message: str
) -> None:
    result = runner.invoke(app, [*args, "--db", demo_db])
    assert result.exit_code != 0
    assert message in (result.output + str(result.exception))


def test_listing_an_uninitialised_database_says_what_to_do(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sites", "list", "--db", f"sqlite:///{tmp_path / 'new.db'}"])
    assert result.exit_code != 0
    assert "redres init" in str(result.exception)


def test_holidays_load_checks_and_installs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from redres.config import get_settings

    monkeypatch.setenv("REDRES_HOLIDAY_DIR", str(tmp_path / "hol"))
    get_settings.cache_clear()
    try:
        bad = tmp_path / "bad.json"
        bad.write_text('{"year": 2031, "holidays": [], "workdays": []}', encoding="utf-8")
        refused = runner.invoke(app, ["holidays", "load", str(bad)])
        assert refused.exit_code != 0
        assert not (tmp_path / "hol" / "cn_schedule_2031.json").exists()
        good = tmp_path / "good.json"
        good.write_text(
            json.dumps(
                {
                    "year": 2031,
                    "holidays": [{"name": "国庆节", "start": "2031-10-01", "end": "2031-10-07"}],
                    "workdays": ["2031-09-28"],
                }
            ),
            encoding="utf-8",
        )
        loaded = runner.invoke(app, ["holidays", "load", str(good)])
        assert loaded.exit_code == 0, loaded.output
        shown = runner.invoke(app, ["holidays", "show", "2031"])
        assert "2031-09-28  workday" in shown.output
        assert "2031: official schedule" in shown.output
    finally:
        get_settings.cache_clear()


def test_user_add_reads_password_from_stdin(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'users.db'}"
    added = runner.invoke(
        app,
        ["user", "add", "alice", "--role", "editor", "--password-stdin", "--db", url],
        input="correct horse battery\n",
    )
    assert added.exit_code == 0, added.output
    weak = runner.invoke(
        app,
        ["user", "add", "bob", "--role", "editor", "--password-stdin", "--db", url],
        input="short\n",
    )
    assert weak.exit_code != 0
    no_stdin = runner.invoke(app, ["user", "add", "carol", "--role", "admin", "--db", url])
    assert no_stdin.exit_code != 0
    assert runner.invoke(app, ["user", "set-role", "alice", "admin", "--db", url]).exit_code == 0
    last = runner.invoke(app, ["user", "disable", "alice", "--db", url])
    assert last.exit_code != 0  # the last active admin is kept
    assert "last active admin" in str(last.exception)
    dave = ["user", "add", "dave", "--role", "admin", "--password-stdin", "--db", url]
    assert runner.invoke(app, dave, input="correct horse battery\n").exit_code == 0
    assert runner.invoke(app, ["user", "disable", "alice", "--db", url]).exit_code == 0
    listing = runner.invoke(app, ["user", "list", "--db", url]).output
    assert "alice  admin  disabled" in listing
    assert runner.invoke(app, ["user", "enable", "alice", "--db", url]).exit_code == 0
    assert "alice  admin  active" in runner.invoke(app, ["user", "list", "--db", url]).output
    assert "bob" not in listing
