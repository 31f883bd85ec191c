"""`redres map`: standalone files for sites, themes, districts and routes, and the embed snippet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redres.cli import app

ROUTE = "hankou-1927-great-revolution-walk"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file with the Wuhan demo catalogue, loaded once through the CLI."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'demo.db'}"
    assert CliRunner().invoke(app, ["demo", "--db", url]).exit_code == 0
    return url


@pytest.mark.parametrize(
    "args",
    [[], ["--theme", "great-revolution"], ["--route", ROUTE], ["--districts"]],
    ids=["sites", "theme", "route", "districts"],
)
def test_map_files_work_offline(demo_db: str, tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "map.html"
    result = CliRunner().invoke(app, ["map", "--out", str(out), "--db", demo_db, *args])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link)[^>]+(src|href)=", page)  # everything inlined
    assert "redres.wire(" in page


def test_route_png_and_a_standalone_map(demo_db: str, tmp_path: Path) -> None:
    png = tmp_path / "route.png"
    runner = CliRunner()
    assert (
        runner.invoke(app, ["map", "--out", str(png), "--route", ROUTE, "--db", demo_db]).exit_code
        == 0
    )
    assert png.read_bytes().startswith(b"\x89PNG")
    alone = tmp_path / "alone.html"
    args = ["map", "--out", str(alone), "--basemap", "amap", "--db", demo_db]
    assert runner.invoke(app, args).exit_code == 0
    page = alone.read_text(encoding="utf-8")
    assert "<script src=" not in page  # inlined by default: the file works offline
    assert 'primary: "gcj02"' in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x.png"], "route only"),
        (["--out", "x.svg"], "must end in .html"),
        (["--out", "x.html", "--theme", "a", "--districts"], "at most one"),
        (["--out", "x.html", "--assets", "ftp"], "--assets"),
        (["--out", "x.html", "--assets", "cdn"], "one of local, inline"),  # pages never use CDNs
        (["--out", "x.html", "--basemap", "baidu"], "unknown basemap"),
        (["--out", "x.html", "--theme", "no-such-theme"], "not found"),
        (["--out", "x.html", "--route", "no-such-route"], "not found"),
    ],
)
def test_map_refuses_bad_requests(
    demo_db: str, tmp_path: Path, args: list[str], message: str
) -> None:
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    result = CliRunner().invoke(app, ["map", "--db", demo_db, *args])
    assert result.exit_code != 0
    assert list(tmp_path.iterdir()) == []  # nothing half-written
    assert message in str(result.exception)


def test_embed_snippet_is_escaped() -> None:
    result = CliRunner().invoke(app, ["map-embed", 'https://example.org/maps/sites.html?a="x"'])
    assert result.exit_code == 0
    assert result.output.startswith(
        '<iframe src="https://example.org/maps/sites.html?a=&quot;x&quot;"'
    )
