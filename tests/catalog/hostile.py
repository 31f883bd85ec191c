"""Hostile uploads for the import tests (no tests here): GDAL VRT documents and other formats'
files dressed up as every type `redres import` accepts, a secret file for them to aim at and a
local HTTP server that records any request they make the importer send.

A VRT document (OGR's XML "virtual" format) can name any other dataset as its source: a local file
through a driver prefix (`CSV:/path`) or a URL through `/vsicurl/`. If any reader handed an upload
to GDAL's auto-detection, the VRT would be followed: the secret would become site rows (and show
in the report) and the server would see a request.
"""

from __future__ import annotations

import io
import json
import struct
import threading
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

SECRET = f"TOPSECRET-{uuid.uuid4().hex[:12]}"
"""What the secret file and the server's CSV hold; it must never reach a site or a response."""


@dataclass
class Trap:
    """A secret file and a recording HTTP server, both aimed at by `vrt`."""

    secret: Path
    url: str
    requests: list[str] = field(default_factory=list)

    def vrt(self, aim: str) -> bytes:
        """A VRT document whose layer `sites` is the secret file (`aim` "file") or the server's
        CSV (`aim` "url")."""
        source, layer = {
            "file": (f"CSV:{self.secret}", self.secret.stem),
            "url": (f"/vsicurl/{self.url}", "sites"),
        }[aim]
        return (
            f'<OGRVRTDataSource><OGRVRTLayer name="sites"><SrcDataSource>{escape(source)}'
            f"</SrcDataSource><SrcLayer>{escape(layer)}</SrcLayer></OGRVRTLayer>"
            "</OGRVRTDataSource>\n"
        ).encode()


AIMS = ("file", "url")
"""What a VRT document can make the importer read: a local file or a URL."""


@contextmanager
def trap(tmp_path: Path) -> Iterator[Trap]:
    """The secret CSV in `tmp_path` and a server on 127.0.0.1 serving another one."""
    secret = tmp_path / "secret.csv"
    row = f"{SECRET},旧址,114.3004,30.5336\n"
    secret.write_text("name,category,lon,lat\n" + row, encoding="utf-8")
    body = ("name,category,lon,lat\nREMOTE-" + row).encode()
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, with_body: bool) -> None:
            seen.append(f"{self.command} {self.path}")
            if self.path != "/sites.csv":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def do_GET(self) -> None:
            self._answer(True)

        def do_HEAD(self) -> None:
            self._answer(False)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the test reads what the trap saw (`seen`), not its access log."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Trap(secret, f"http://127.0.0.1:{server.server_address[1]}/sites.csv", seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def zipped(members: dict[str, bytes]) -> bytes:
    """A zip archive of `members` (name -> bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


DISGUISES: dict[str, tuple[str, dict[str, str] | None]] = {
    "csv": ("sites.csv", None),
    "xlsx": ("sites.xlsx", None),
    "xlsx-zip": ("sites.xlsx", {"xl/workbook.xml": "", "sites.vrt": ""}),
    "geojson": ("sites.geojson", None),
    "json": ("sites.json", None),
    "gpkg": ("x.gpkg", None),
    "kml": ("sites.kml", None),
    "kmz": ("sites.kmz", {"doc.kml": ""}),
    "kmz-vrt": ("sites.kmz", {"sites.vrt": ""}),
    "zip-shp": ("sites.zip", {"sites.shp": ""}),
    "zip-shp-set": ("sites.zip", {"sites.shp": "", "sites.shx": "", "sites.dbf": ""}),
    "zip-shp-in-folder": ("sites.shp.zip", {"data/sites.shp": "", "data/sites.dbf": ""}),
    "zip-vrt": ("sites.zip", {"sites.vrt": ""}),
    "zip-gpkg": ("sites.zip", {"x.gpkg": ""}),
    "zip-dbf": ("sites.zip", {"sites.dbf": ""}),
}
"""Layout name -> (upload name, zip members that get the document; None: the file is it)."""


def front_door_layouts() -> list[Any]:
    """Every layout, as parameters of the VRT tests of the importer, the CLI and the upload
    route: `make test` tries a plain file, an XLSX hiding a VRT and a Shapefile folder at each
    door; CI (--runslow) tries every layout at every door, on both engines."""
    quick = {"csv", "xlsx-zip", "zip-shp-in-folder"}
    return [
        pytest.param(name, marks=() if name in quick else pytest.mark.slow) for name in DISGUISES
    ]


def disguise(layout: str, document: bytes) -> tuple[str, bytes]:
    """The upload name and bytes of `document` in `layout` (see `DISGUISES`)."""
    name, members = DISGUISES[layout]
    if members is None:
        return name, document
    return name, zipped(dict.fromkeys(members, document))


def foreign_files() -> dict[str, tuple[str, bytes]]:
    """Real files of other formats, named as one redres accepts: GDAL would open each by its
    content (GeoJSON and KML drivers) and import its site; redres must refuse them."""
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [114.3004, 30.5336]},
        "properties": {"name": "外来", "category": "旧址"},
    }
    geojson = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    kml = (
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>外来</name>'
        '<ExtendedData><Data name="category"><value>旧址</value></Data></ExtendedData>'
        "<Point><coordinates>114.3004,30.5336</coordinates></Point></Placemark></Document></kml>"
    ).encode()
    return {
        "geojson-as-gpkg": ("x.gpkg", geojson),
        "kml-as-gpkg": ("x.gpkg", kml),
        "geojson-as-shp": ("sites.zip", zipped({"sites.shp": geojson})),
        "kml-as-shp-set": ("sites.zip", zipped(dict.fromkeys(["a.shp", "a.shx", "a.dbf"], kml))),
        "csv-as-gpkg": ("x.gpkg", "name,category\n外来,旧址\n".encode()),
    }


def lying_zip(member: str, data: bytes, declared: int) -> bytes:
    """A zip of one member whose headers (local and central) declare `declared` bytes."""
    raw = bytearray(zipped({member: data}))
    struct.pack_into("<I", raw, raw.find(b"PK\x03\x04") + 22, declared)
    struct.pack_into("<I", raw, raw.find(b"PK\x01\x02") + 24, declared)
    return bytes(raw)


def _feature(geometry: object, properties: object = None) -> dict[str, object]:
    props = {"name": "起义门", "category": "旧址"} if properties is None else properties
    return {"type": "Feature", "geometry": geometry, "properties": props}


def _geojson(*features: object) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


KML_PLACEMARK = (
    "<Placemark><name>{name}</name><ExtendedData><Data name='category'><value>旧址</value></Data>"
    "</ExtendedData><Point><coordinates>114.3004,30.5336</coordinates></Point></Placemark>"
)


def _kml(name: str = "起义门", pad: int = 0) -> bytes:
    placemark = KML_PLACEMARK.format(name=name)
    body = f"<kml xmlns='http://www.opengis.net/kml/2.2'><Document>{placemark}"
    return (body + "<!--" + " " * pad + "--></Document></kml>").encode()


def _xlsx_with_dtd(secret: Path) -> bytes:
    """A real workbook whose sheet declares an external entity naming `secret` and uses it."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["名称", "类别"])
    sheet.append(["ENTITY_HERE", "旧址"])
    buf = io.BytesIO()
    book.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index("<worksheet")
                doctype = f'<!DOCTYPE worksheet [<!ENTITY s SYSTEM "file://{secret}">]>'
                text = text[:start] + doctype + text[start:]
                data = text.replace("ENTITY_HERE", "&s;").encode()
            if item.filename == "xl/sharedStrings.xml":
                data = data.replace(b"ENTITY_HERE", b"&amp;s;")
            dst.writestr(item, data)
    return out.getvalue()


def bad_inputs(secret: Path) -> dict[str, tuple[str, bytes, str]]:
    """Broken files that once gave a 500 or a traceback: id -> (name, bytes, message regex)."""
    deep = "[" * 100_000 + "]" * 100_000
    nested: object = "起义门"
    for _ in range(200):
        nested = [nested]
    utf16_dtd = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        '<!DOCTYPE kml [<!ENTITY n "起义门">]>' + _kml("&n;").decode()
    ).encode("utf-16")
    return {
        "csv-long-cell": (
            "a.csv",
            ('名称,类别\n"' + "长" * 140_000 + '",旧址\n').encode(),
            r"'a.csv' line \d+: a cell is longer than 131072 characters",
        ),
        "geojson-deep": (
            "a.geojson",
            ('{"type": "FeatureCollection", "features": [' + deep + "]}").encode(),
            r"'a.geojson' is nested more than 32 levels deep",
        ),
        "geojson-deep-property": (
            "a.geojson",
            _geojson(_feature(None, {"name": nested, "category": "旧址"})),
            r"'a.geojson' is nested more than 32 levels deep",
        ),
        "geojson-null-coordinates": (
            "a.geojson",
            _geojson(_feature({"type": "Point", "coordinates": [None, None]})),
            r"'a.geojson' feature 1: a Point's coordinates must be arrays of numbers",
        ),
        "geojson-coordinates-null": (
            "a.geojson",
            _geojson(_feature({"type": "Polygon", "coordinates": None})),
            r"'a.geojson' feature 1: a Polygon's coordinates must be arrays of numbers",
        ),
        "geojson-string-feature": (
            "a.geojson",
            _geojson(_feature(None), "Feature"),
            r"'a.geojson' feature 2: is a string, not a GeoJSON Feature object",
        ),
        "geojson-string-geometry": (
            "a.geojson",
            _geojson(_feature("POINT (114.3 30.5)")),
            r"'a.geojson' feature 1: geometry must be a GeoJSON geometry object or null, "
            "not a string",
        ),
        "kmz-declares-less": (
            "a.kmz",
            lying_zip("doc.kml", _kml(pad=4 << 20), 1000),
            r"'a.kmz' member 'doc.kml' does not match its declared size of 1000 bytes",
        ),
        "kmz-declares-more": (
            "a.kmz",
            lying_zip("doc.kml", _kml(), 100_000),
            r"'a.kmz' member 'doc.kml' does not match its declared size of 100000 bytes",
        ),
        "kmz-bomb": (
            "a.kmz",
            lying_zip("doc.kml", _kml(pad=4 << 20), 64 << 20),
            r"'a.kmz' member 'doc.kml' expands \d+x .*\(a zip bomb\?\)",
        ),
        "xlsx-dtd": (
            "a.xlsx",
            _xlsx_with_dtd(secret),
            r"'a.xlsx: xl/worksheets/sheet1.xml' declares a DOCTYPE or entities",
        ),
        "kml-utf16-dtd": (
            "a.kml",
            utf16_dtd,
            r"'a.kml' declares a DOCTYPE or entities",
        ),
    }
