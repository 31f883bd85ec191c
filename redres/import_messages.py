"""The importer's sentences in English, by key: a file refused whole, a bad cell or row, a warning.

`messages.ENGLISH` holds them with the rest (one catalogue of keys); the Chinese of each is the
``msg.<key>`` entry of the page locales, and a test holds the two to the same keys and fields.
They are kept here, apart, because a survey file can go wrong in many ways.
"""

from __future__ import annotations

IMPORT_ENGLISH: dict[str, str] = {
    # the file as a whole (catalog/io readers): nothing is imported
    "file_unsupported": "unsupported file type {suffix!r}; expected one of {known}",
    "file_missing": "cannot read {path!r}: no such file, or it cannot be opened",
    "file_not_regular": "cannot read {path!r}: not a regular file",
    "file_too_large": "{file!r} is {size} bytes; the import limit is {limit} bytes",
    "file_too_many_rows": "{file!r} has more than {limit} rows, the import limit",
    "file_too_many_features": "{file!r} has {count} features; the import limit is {limit}",
    "file_too_many_related": "{file!r} has more than {limit} related records",
    "file_empty": "{file!r} is empty",
    "file_no_header": "{file!r} has no header row",
    "file_no_column": (
        "{file!r} has no {header_en} column ({header_en} or {header_zh}); its headers are {headers}"
    ),
    "file_import_status": "imported sites are draft or published, not {status!r}",
    "csv_markup": "{file!r} is an XML or HTML document, not CSV",
    "csv_cell_too_long": (
        "{file!r} line {line}: a cell is longer than {limit} characters (is a quote left open?)"
    ),
    "csv_broken": "{file!r} line {line} is not CSV text (a stray quote or a NUL byte)",
    "csv_encoding": "{file!r} is neither UTF-8 nor GBK/GB18030 text (byte {byte})",
    "xlsx_unreadable": "{file!r} is not a readable XLSX workbook",
    "xlsx_no_sheet": (
        "{file!r} has no sheet with a header row naming registry fields (名称, 类别, ...)"
    ),
    "xlsx_parts": "{file!r} is not an XLSX workbook (it lacks {parts})",
    "xlsx_damaged_head": "{file!r}: sheet {sheet!r} is damaged in its first rows",
    "xlsx_damaged_row": "{file!r}: sheet {sheet!r} is damaged after row {row}",
    "geojson_json": "{file!r} is not GeoJSON: the JSON breaks at line {line}, column {column}",
    "geojson_encoding": "{file!r} is not GeoJSON: its text is not UTF-8",
    "geojson_collection": "{file!r} is not a GeoJSON FeatureCollection",
    "geojson_member": "{file!r}: the {member!r} member must be an object of lists ({parts})",
    "geojson_too_deep": "{file!r} is nested more than {depth} levels deep; not a GeoJSON document",
    "geojson_feature": "{file!r} feature {number}: {problem}",
    "feature_kind": "is {kind}, not a GeoJSON Feature object",
    "feature_type": "has type {value}, not 'Feature'",
    "feature_properties": "properties must be an object or null, not {kind}",
    "feature_geometry": "geometry must be a GeoJSON geometry object or null, not {kind}",
    "feature_collection": "a GeometryCollection's geometries must be an array",
    "feature_geometry_type": "geometry type {value} is not a GeoJSON geometry type",
    "feature_coordinates": (
        "a {kind}'s coordinates must be arrays of numbers (not null, text or infinity)"
    ),
    "kind_null": "null",
    "kind_bool": "true or false",
    "kind_string": "a string",
    "kind_array": "an array",
    "kind_number": "a number",
    "kind_object": "an object",
    "kml_root": "{file!r} is not a KML document (its root element is not <kml>)",
    "kmz_none": "{file!r} holds no .kml document",
    "kmz_several": "{file!r} holds several .kml documents ({names}) and no {main}",
    "xml_dtd": "{file!r} declares a DOCTYPE or entities, which redres does not read",
    "xml_broken": "{file!r} is not well-formed XML (line {line}, column {column})",
    "zip_unreadable": "{file!r} is not a readable zip archive",
    "zip_members": "{file!r} holds {count} files; the limit is {limit}",
    "zip_expands": "{file!r} would expand to {size} bytes; the limit is {limit} bytes",
    "zip_ratio": (
        "{file!r} member {member!r} expands {ratio}x ({packed} -> {size} bytes); the limit is "
        "{limit}x (a zip bomb?)"
    ),
    "zip_outside": "{file!r} holds {member!r}, a path outside the archive; refused",
    "zip_symlink": "{file!r} holds {member!r}, a symbolic link; refused",
    "zip_encrypted": "{file!r} holds {member!r}, which is encrypted; refused",
    "zip_damaged": (
        "{file!r} member {member!r} does not match its declared size of {size} bytes or is "
        "damaged; refused"
    ),
    "zip_member_past": "{file!r} member {member!r} expands past {limit} bytes",
    "zip_past": "{file!r} expands past {limit} bytes",
    "shp_stray": (
        "{file!r} holds {member!r}, which is not part of a Shapefile; a zip must hold exactly one "
        "Shapefile (.shp, .shx, .dbf, optionally .prj and .cpg)"
    ),
    "shp_twice": "{file!r} holds both {first!r} and {second!r}",
    "shp_none": "{file!r} holds no .shp file",
    "shp_several": "{file!r} holds {count} Shapefiles ({names}); one per zip",
    "shp_other": "{file!r} holds {member!r}, which is not part of {shp!r}",
    "shp_missing_part": "{file!r}: {shp} has no {ext} beside it",
    "shp_code": "{file!r}: {member} is not a Shapefile (no {ext} file code {code})",
    "shp_version": "{file!r}: {member} is not a Shapefile (version is not {version})",
    "shp_dbf": "{file!r}: {member} is not a dBASE table (.dbf)",
    "shp_dbf_short": "{file!r}: {member} is damaged (its header promises more than the file holds)",
    "shp_prj": "{file!r}: {member} is not a WKT coordinate reference system",
    "shp_side_file": "{file!r}: {member} is {size} bytes; a .prj or .cpg is a line of text",
    "shp_counts": "{file!r}: {shp} has {shapes} shapes but {dbf} has {records} records",
    "shp_encoding": "{file!r}: the text in {dbf} is not {encoding}",
    "shp_damaged": "{file!r}: {shp} is damaged",
    "gpkg_no_layers": "{file!r} has no layers",
    "gpkg_colon": "{file!r} cannot be opened from a folder whose name has a ':'",
    "gpkg_no_sqlite": "{file!r} is not a GeoPackage (no SQLite header)",
    "gpkg_app_id": "{file!r} is an SQLite database but not a GeoPackage (no GPKG application id)",
    "gpkg_unreadable": "{file!r} is not a readable GeoPackage",
    "gpkg_tables": "{file!r} is not a GeoPackage (no {tables} table)",
    "gpkg_views": (
        "{file!r} holds SQL views ({views}), which redres does not read; save the layers as tables"
    ),
    "gpkg_virtual": (
        "{file!r} holds the virtual table {table!r}, which redres does not read (only R*Tree "
        "spatial indexes are allowed)"
    ),
    "gpkg_generated": "{file!r} table {table!r} has generated columns, which redres does not read",
    "gpkg_layer_unreadable": "{file!r} is not readable",
    "gpkg_table_unreadable": "{file!r} table {table!r} is not readable",
    "points_too_large": "{file}: larger than {limit} MB",
    "points_layout": "{file}: unknown layout; say its coordinate system with --points-crs",
    "points_not_list": "{file}: a JSON list of objects is expected",
    "points_unreadable": "{file}: not a JSON list or CSV file",
    "points_no_point": "row {number}: no longitude and latitude",
    "points_no_name": "row {number}: a name and a province are needed to match a unit",
    "points_bad_point": "row {number}: {lon}, {lat} is not a longitude and latitude",
    # a cell or a row (catalog/io cells, location, validation): the row report says which
    "cell_integer": "must be a whole number, not {value!r}",
    "cell_date": "{value!r} is not a date (YYYY-MM-DD)",
    "date_partial": "{value!r}: a date must be YYYY, YYYY-MM or YYYY-MM-DD",
    "date_calendar": "{value!r} is not a calendar date",
    "e_cleared": "{field} cannot be cleared",
    "cell_theme_unknown": "unknown theme {theme!r}",
    "cell_theme_weight": "theme weight {weight!r} of {theme!r} is not a number",
    "cell_source_title": "source title is longer than {limit} characters",
    "cell_source_url": "source URL is longer than {limit} characters",
    "cell_footprint_text": "footprint is not GeoJSON text",
    "cell_footprint_object": "footprint is not a GeoJSON geometry object",
    "footprint_geojson": "footprint is not a GeoJSON geometry",
    "footprint_ring": (
        "footprint: a polygon ring needs at least 4 coordinates (the first one repeated last)"
    ),
    "footprint_polygon": "footprint must be a valid Polygon or MultiPolygon",
    "loc_no_lat": "the latitude is missing while the longitude is given",
    "loc_no_lon": "the longitude is missing while the latitude is given",
    "loc_swapped": (
        "longitude and latitude look swapped (the point lies in China the other way round)"
    ),
    "loc_lat_in_lon": "a latitude in the longitude column: longitude and latitude look swapped",
    "loc_lon_in_lat": "a longitude in the latitude column: longitude and latitude look swapped",
    "loc_not_point": "not a point in {crs}",
    "loc_outside": "point is outside China",
    "coord_not_finite": "coordinate {raw!r} is not a finite number",
    "coord_unreadable": "coordinate {raw!r} is neither decimal degrees nor degrees-minutes-seconds",
    "coord_minutes": "coordinate {raw!r} has minutes or seconds of 60 or more",
    "crs_unknown": "unknown coordinate system {crs!r}; expected wgs84, gcj02, bd09 or EPSG:n",
    "crs_epsg": "unknown EPSG code {code}",
    "dup_code": "same registry code {code!r}",
    "dup_slug": "same slug {slug!r}",
    "dup_name": "same name {name!r} {metres} m away",
    "dup_row": "duplicate of row {row} ({why}); use --on-duplicate update or skip",
    "dup_site": "duplicate of site {slug!r} ({why}); use --on-duplicate update or skip",
    "related_differs": (
        "{entity} {slug!r} is already in the registry and differs; use --on-duplicate update or "
        "skip"
    ),
    "related_not_record": "is not a record (an object of fields)",
    "related_required": "{field} is required",
    "related_twice": "{field} {value!r} is given twice",
    "related_unknown_link": (
        "{entity} {name!r} links to {target} {ref!r}, which is in neither the registry nor the file"
    ),
    "entity_site": "site",
    "entity_source": "source",
    "entity_theme": "theme",
    "entity_person": "person",
    "entity_event": "event",
    "entity_story": "story",
    # the shared validation's own checks, as a cell's reason (pydantic's error types)
    "check_missing": "is required",
    "check_too_short": "must have at least {size} character(s)",
    "check_too_long": "must have at most {size} characters; shorten it",
    "check_items_min": "needs at least {size} item(s)",
    "check_items_max": "may have at most {size} items",
    "check_pattern": "is not in the expected form",
    "check_choice": "is not one of the accepted values",
    "check_integer": "must be a whole number",
    "check_number": "must be a number",
    "check_bool": "must be yes or no (是/否)",
    "check_min": "must be at least {limit}",
    "check_max": "must be at most {limit}",
    "check_date": "must be a date (YYYY-MM-DD)",
    "check_text": "must be text",
    "check_list": "must be a list",
    "check_unexpected": "is not a field of this record",
    "check_invalid": "is not a valid value",
    "field_point_approximate": "approximate location",
    # warnings
    "warn_column_ignored": "column {column!r} is not a registry field; ignored",
    # `redres datasets`: the bundled public lists
    "ds_unknown": "no dataset {name!r}; bundled: {known}",
    "ds_status": "--status must be draft or published",
    "ds_points_missing": "--points {path}: no such file",
    "ds_row": "{name}\t{rows} rows\t{title}\n    source: {source}",
    "ds_loaded": "{dataset}: {rows} rows; {added} added, {updated} updated, {unchanged} unchanged",
    "ds_held": (
        "  {count} already in the catalogue under another code (left to their editors): {shown}"
    ),
    "ds_points": (
        "  points from {file}: {located} matched by name and province ({crs}), {approximate} of"
        " them approximate (shared by several units), {unmatched} not matched"
    ),
    "ds_crs_inferred": "{crs} (inferred from the layout)",
    "ds_no_points": "  no points attached: the units load as unlocated (位置待考); see --points",
    "ds_years": "  {count} eras could not be read as years and were left out",
}
"""Key -> English sentence; `{x!r}` quotes a value as the file wrote it."""
