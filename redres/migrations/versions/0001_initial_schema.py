"""Initial schema: the whole registry, plus PostGIS points and GiST indexes on PostgreSQL.

Revision ID: 0001
Revises:
Create Date: 2026-11-30 02:42:58.751151
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('auditlog',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('auditlog', schema=None) as batch_op:
        batch_op.create_index('ix_auditlog_entity', ['entity', 'entity_id'], unique=False)

    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('date', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('end_date', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_slug'), ['slug'], unique=True)

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_status'), ['status'], unique=False)

    op.create_table('instructor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('expertise', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('contact', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('born', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('died', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_slug'), ['slug'], unique=True)

    op.create_table('site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('period', sa.String(length=32), nullable=True),
    sa.Column('years', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('protection', sa.String(length=32), nullable=True),
    sa.Column('designations', sa.JSON(), nullable=False),
    sa.Column('district', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('footprint', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('opening_hours', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('hours_note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('last_entry_minutes', sa.Integer(), nullable=True),
    sa.Column('reservation', sa.String(length=32), nullable=True),
    sa.Column('reservation_days', sa.Integer(), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('visit_minutes', sa.Integer(), nullable=True),
    sa.Column('admission', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('accessibility', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('contact', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('condition', sa.String(length=32), nullable=True),
    sa.Column('survey_date', sa.Date(), nullable=True),
    sa.Column('surveyor', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('ownership', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['site.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_district'), ['district'], unique=False)
        batch_op.create_index('ix_site_lat_lon', ['lat', 'lon'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_period'), ['period'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_protection'), ['protection'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_slug'), ['slug'], unique=True)
        batch_op.create_index(batch_op.f('ix_site_status'), ['status'], unique=False)

    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('publisher', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('accessed', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_key'), ['key'], unique=True)

    op.create_table('story',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('title_en', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('audience', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('story', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_slug'), ['slug'], unique=True)
        batch_op.create_index(batch_op.f('ix_story_status'), ['status'], unique=False)

    op.create_table('theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('theme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_slug'), ['slug'], unique=True)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_username'), ['username'], unique=True)

    op.create_table('citation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_id', 'entity', 'entity_id')
    )
    with op.batch_alter_table('citation', schema=None) as batch_op:
        batch_op.create_index('ix_citation_entity', ['entity', 'entity_id'], unique=False)

    op.create_table('eventperson',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'person_id')
    )
    op.create_table('eventsite',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'site_id')
    )
    with op.batch_alter_table('eventsite', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eventsite_site_id'), ['site_id'], unique=False)

    op.create_table('route',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('route', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_route_slug'), ['slug'], unique=True)
        batch_op.create_index(batch_op.f('ix_route_status'), ['status'], unique=False)

    op.create_table('searchterm',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('term', sa.String(length=200).with_variant(sa.String(length=200, collation='C'), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('searchterm', schema=None) as batch_op:
        batch_op.create_index('ix_searchterm_kind_term', ['kind', 'term'], unique=False)
        batch_op.create_index(batch_op.f('ix_searchterm_site_id'), ['site_id'], unique=False)

    op.create_table('sitetheme',
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('site_id', 'theme_id')
    )
    with op.batch_alter_table('sitetheme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sitetheme_theme_id'), ['theme_id'], unique=False)

    op.create_table('storyevent',
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['story_id'], ['story.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('story_id', 'event_id')
    )
    op.create_table('storyperson',
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['story_id'], ['story.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('story_id', 'person_id')
    )
    op.create_table('storysite',
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['story_id'], ['story.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('story_id', 'site_id')
    )
    with op.batch_alter_table('storysite', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_storysite_site_id'), ['site_id'], unique=False)

    op.create_table('course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('route_id', sa.Integer(), nullable=True),
    sa.Column('stop', sa.Integer(), nullable=True),
    sa.Column('format', sa.String(length=32), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('instructor_id', sa.Integer(), nullable=True),
    sa.Column('outline', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['instructor_id'], ['instructor.id'], ),
    sa.ForeignKeyConstraint(['route_id'], ['route.id'], ),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('routestop',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('route_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['route_id'], ['route.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('route_id', 'day', 'position')
    )
    with op.batch_alter_table('routestop', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_routestop_route_id'), ['route_id'], unique=False)


    if op.get_bind().dialect.name == "postgresql":
        _add_postgis_point()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_site_geog")
        op.execute("DROP INDEX IF EXISTS ix_site_geom")
        op.execute("ALTER TABLE site DROP COLUMN IF EXISTS geom")
    with op.batch_alter_table('routestop', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_routestop_route_id'))

    op.drop_table('routestop')
    op.drop_table('course')
    with op.batch_alter_table('storysite', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_storysite_site_id'))

    op.drop_table('storysite')
    op.drop_table('storyperson')
    op.drop_table('storyevent')
    with op.batch_alter_table('sitetheme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sitetheme_theme_id'))

    op.drop_table('sitetheme')
    with op.batch_alter_table('searchterm', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_searchterm_site_id'))
        batch_op.drop_index('ix_searchterm_kind_term')

    op.drop_table('searchterm')
    with op.batch_alter_table('route', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_route_status'))
        batch_op.drop_index(batch_op.f('ix_route_slug'))

    op.drop_table('route')
    with op.batch_alter_table('eventsite', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eventsite_site_id'))

    op.drop_table('eventsite')
    op.drop_table('eventperson')
    with op.batch_alter_table('citation', schema=None) as batch_op:
        batch_op.drop_index('ix_citation_entity')

    op.drop_table('citation')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_username'))

    op.drop_table('user')
    with op.batch_alter_table('theme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_slug'))

    op.drop_table('theme')
    with op.batch_alter_table('story', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_status'))
        batch_op.drop_index(batch_op.f('ix_story_slug'))

    op.drop_table('story')
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_key'))

    op.drop_table('source')
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_status'))
        batch_op.drop_index(batch_op.f('ix_site_slug'))
        batch_op.drop_index(batch_op.f('ix_site_protection'))
        batch_op.drop_index(batch_op.f('ix_site_period'))
        batch_op.drop_index(batch_op.f('ix_site_parent_id'))
        batch_op.drop_index(batch_op.f('ix_site_name'))
        batch_op.drop_index('ix_site_lat_lon')
        batch_op.drop_index(batch_op.f('ix_site_district'))
        batch_op.drop_index(batch_op.f('ix_site_category'))

    op.drop_table('site')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_slug'))

    op.drop_table('person')
    op.drop_table('instructor')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_status'))

    op.drop_table('feedback')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_slug'))

    op.drop_table('event')
    with op.batch_alter_table('auditlog', schema=None) as batch_op:
        batch_op.drop_index('ix_auditlog_entity')

    op.drop_table('auditlog')


def _add_postgis_point() -> None:
    """A generated point kept in step with lon/lat by the database, indexed for bbox and radius."""
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute(
        "ALTER TABLE site ADD COLUMN geom geometry(Point, 4326) GENERATED ALWAYS AS ("
        "CASE WHEN lon IS NULL OR lat IS NULL THEN NULL "
        "ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END) STORED"
    )
    op.execute("CREATE INDEX ix_site_geom ON site USING gist (geom)")
    op.execute("CREATE INDEX ix_site_geog ON site USING gist ((geom::geography))")
