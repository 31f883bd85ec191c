"""The fields of a site, named once: in the order a registry sheet lists them, grouped by what
they say.

Exports write their columns in this order, the API's features split them into summary, detail
and staff-only properties from these groups, and the demo loads them; `schemas.SiteCreate`
validates them (a test keeps the two in step). Slug, status, themes, parent and footprint are
not here: each travels its own way (generated, a workflow state, weights, a reference, a shape).
"""

from __future__ import annotations

IDENTITY_FIELDS = ("code", "name", "name_en", "aliases")
"""Which site: its registry code (名录编号) and names."""
CLASS_FIELDS = ("category", "period", "years", "protection", "designations")
"""What kind of site: category, history and heritage status."""
PLACE_FIELDS = ("district", "address")
DESCRIPTION_FIELDS = ("summary", "summary_en")
LOCATION_FIELDS = ("lon", "lat")
"""WGS-84 coordinates."""
POINT_SOURCE_FIELDS = ("point_source", "point_crs", "point_note", "point_approximate")
"""Where the point came from, the system it was given in, a note, and whether it is only
approximate: the truth of the record travels with the point."""
VISIT_FIELDS = (
    "opening_hours",
    "hours_note",
    "hours_note_en",
    "closures",
    "last_entry_minutes",
    "reservation",
    "reservation_days",
    "capacity",
    "visit_minutes",
    "ticket_price",
    "admission",
    "accessibility",
    "contact",
)
"""What a visitor or a group planning a visit needs."""
SURVEY_FIELDS = ("condition", "survey_date", "surveyor", "ownership")
"""What the survey recorded about the site's state and ownership: staff read these, the public
does not."""

SITE_FIELDS: tuple[str, ...] = (
    *IDENTITY_FIELDS,
    *CLASS_FIELDS,
    *PLACE_FIELDS,
    *DESCRIPTION_FIELDS,
    *LOCATION_FIELDS,
    *POINT_SOURCE_FIELDS,
    *VISIT_FIELDS,
    *SURVEY_FIELDS,
)
"""Every field of a site that people fill in, in registry-sheet order."""
