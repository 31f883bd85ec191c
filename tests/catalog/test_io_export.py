"""Export safety: CSV/XLSX formula injection is defused, KML markup escaped, CSV opens in Excel."""

from __future__ import annotations

import csv
from pathlib import Path
from xml.etree import ElementTree as ET

from openpyxl import load_workbook
from sqlmodel import Session

from redres.catalog.io import export_file
from tests.catalog.test_io_helpers import HARD_SITES, add_catalogue

HOSTILE = HARD_SITES[0]


def test_csv_has_bom_and_defuses_formulas(session: Session, tmp_path: Path) -> None:
    add_catalogue(session)
    path = tmp_path / "a.csv"
    export_file(session, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    hostile = next(r for r in rows if r["name"].startswith("'="))
    assert hostile["name"] == "'" + HOSTILE["name"]
    assert hostile["code"] == "'-X1"
    assert hostile["designations"].startswith("全国")
    assert ";@省级" in hostile["designations"]
    assert hostile["lon"] == "114.2999999"
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_xlsx_cells_are_text_not_formulas(session: Session, tmp_path: Path) -> None:
    add_catalogue(session)
    path = tmp_path / "a.xlsx"
    export_file(session, path)
    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert "'" + HOSTILE["name"] in values
    book.close()


def test_kml_escapes_markup(session: Session, tmp_path: Path) -> None:
    add_catalogue(session)
    path = tmp_path / "a.kml"
    export_file(session, path)
    raw = path.read_text(encoding="utf-8")
    assert "<script>" not in raw
    assert "&lt;script&gt;" in raw
    root = ET.fromstring(raw.encode())
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    names = [
        d.findtext("k:value", namespaces=ns)
        for d in root.iterfind(".//k:Data[@name='name_en']", ns)
    ]
    assert HOSTILE["name_en"] in names
