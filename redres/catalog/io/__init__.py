"""Interchange: import sites from, and export them to, the files tourism offices and GIS use.

One reader module per format (`csv`, `xlsx`, `geojson`, `geopackage`, `shp` for zipped
Shapefiles, `kml`), each opening an upload only with that format's parser after checking its
bytes (docs/dev/import-formats.md, "What an upload must be"); `ogr` writes GeoPackage and
Shapefile through GDAL; one import pipeline (`importer`: `import_open` -> `import_index` ->
`import_classify` -> `import_plan` -> `import_write`), one export record shape (`records`). The entry points are `import_file` and `export_file`.
"""

from __future__ import annotations

from redres.catalog.io.errors import InterchangeError, LimitExceeded, UnsupportedFormat
from redres.catalog.io.exporter import ExportReport, export_file
from redres.catalog.io.formats import FORMATS
from redres.catalog.io.importer import ImportOptions, ImportReport, OnDuplicate, import_file
from redres.catalog.io.limits import ImportLimits

__all__ = [
    "FORMATS",
    "ExportReport",
    "ImportLimits",
    "ImportOptions",
    "ImportReport",
    "InterchangeError",
    "LimitExceeded",
    "OnDuplicate",
    "UnsupportedFormat",
    "export_file",
    "import_file",
]
