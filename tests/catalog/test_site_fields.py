"""One list of site fields: the schema, the table, exports and the API's features agree with it."""

from __future__ import annotations

from redres.catalog.features import DETAIL_FIELDS, STAFF_FIELDS, SUMMARY_FIELDS
from redres.catalog.io.fields import EXPORT_FIELDS
from redres.catalog.models import Site
from redres.catalog.schemas import SiteCreate, SiteUpdate
from redres.catalog.site_fields import LOCATION_FIELDS, SITE_FIELDS, SURVEY_FIELDS

OWN_WAY = {"slug", "status", "themes", "parent_id", "footprint"}
"""Site inputs that are not filled-in fields (see `site_fields`)."""


def test_the_list_is_what_the_schemas_validate() -> None:
    """A field added to the schema goes into `site_fields` (or here, saying why it is apart)."""
    assert len(set(SITE_FIELDS)) == len(SITE_FIELDS)
    for schema in (SiteCreate, SiteUpdate):
        assert set(SITE_FIELDS) <= set(schema.model_fields)
        assert set(schema.model_fields) - set(SITE_FIELDS) <= OWN_WAY


def test_every_field_is_a_site_column() -> None:
    columns = set(Site.model_fields)
    assert set(SITE_FIELDS) <= columns


def test_exports_write_every_field_first_and_in_order() -> None:
    assert EXPORT_FIELDS[: len(SITE_FIELDS)] == SITE_FIELDS


def test_features_show_every_field_once_and_survey_fields_to_staff_only() -> None:
    shown = [*SUMMARY_FIELDS, *DETAIL_FIELDS, *STAFF_FIELDS, *LOCATION_FIELDS]
    assert len(shown) == len(set(shown))
    assert set(SITE_FIELDS) <= set(shown)
    assert not set(SURVEY_FIELDS) & {*SUMMARY_FIELDS, *DETAIL_FIELDS}
    assert set(SURVEY_FIELDS) <= set(STAFF_FIELDS)
