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
import threading
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

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
            pass

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
