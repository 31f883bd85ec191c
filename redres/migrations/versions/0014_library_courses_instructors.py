"""The resource library for real: courses get several instructors (a link table), an audience
and a version; a course at a route's stop names the stop's site instead of a stop number (which
moved whenever the route was re-ordered); instructors get a unit, title, topics, phone and email
(the old free-text contact moves to email when it holds an @, else to phone) and a version.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    # Plain ALTERs, not a batch copy: course and classinstructor reference instructor, and
    # SQLite (foreign keys on) refuses to drop a referenced table.
    op.alter_column('instructor', 'organisation', new_column_name='unit')
    op.alter_column('instructor', 'expertise', new_column_name='topics')
    op.add_column('instructor', sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
    op.add_column('instructor', sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
    op.add_column('instructor', sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
    op.add_column('instructor', sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    conn.execute(sa.text("UPDATE instructor SET email = contact WHERE contact LIKE '%@%'"))
    conn.execute(sa.text(
        "UPDATE instructor SET phone = SUBSTR(contact, 1, 40)"
        " WHERE contact IS NOT NULL AND contact NOT LIKE '%@%'"
    ))
    op.execute(sa.text('ALTER TABLE instructor DROP COLUMN contact'))

    links = conn.execute(sa.text(
        "SELECT id, instructor_id FROM course WHERE instructor_id IS NOT NULL"
    )).all()
    # A course on the n-th stop of a route (counting through the days) now names that stop's site.
    numbered = conn.execute(sa.text(
        "SELECT id, route_id, stop FROM course"
        " WHERE route_id IS NOT NULL AND stop IS NOT NULL AND site_id IS NULL"
    )).all()
    for course_id, route_id, stop in numbered:
        sites = conn.execute(
            sa.text("SELECT site_id FROM routestop WHERE route_id = :r ORDER BY day, position"),
            {"r": route_id},
        ).scalars().all()
        if 1 <= stop <= len(sites):
            conn.execute(
                sa.text("UPDATE course SET site_id = :s WHERE id = :c"),
                {"s": sites[stop - 1], "c": course_id},
            )
    # A batch copy before anything references course (SQLite cannot drop a column with a
    # foreign key in place).
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.drop_column('stop')
        batch_op.drop_column('instructor_id')
        batch_op.create_index(batch_op.f('ix_course_route_id'), ['route_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_site_id'), ['site_id'], unique=False)

    op.create_table('courseinstructor',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('instructor_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['instructor_id'], ['instructor.id'], ),
    sa.PrimaryKeyConstraint('course_id', 'instructor_id')
    )
    with op.batch_alter_table('courseinstructor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_courseinstructor_instructor_id'), ['instructor_id'], unique=False)
    for course_id, instructor_id in links:
        conn.execute(
            sa.text("INSERT INTO courseinstructor (course_id, instructor_id, position) VALUES (:c, :i, 1)"),
            {"c": course_id, "i": instructor_id},
        )


def downgrade() -> None:
    conn = op.get_bind()
    # Only the first instructor of each course survives; the stop's site stays as the site.
    firsts = conn.execute(sa.text(
        "SELECT course_id, instructor_id FROM courseinstructor WHERE position = 1"
    )).all()
    with op.batch_alter_table('courseinstructor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_courseinstructor_instructor_id'))
    op.drop_table('courseinstructor')
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_site_id'))
        batch_op.drop_index(batch_op.f('ix_course_route_id'))
        batch_op.add_column(sa.Column('instructor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('stop', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_course_instructor_id', 'instructor', ['instructor_id'], ['id'])
        batch_op.drop_column('version')
        batch_op.drop_column('audience')
    for course_id, instructor_id in firsts:
        conn.execute(
            sa.text("UPDATE course SET instructor_id = :i WHERE id = :c"),
            {"i": instructor_id, "c": course_id},
        )

    op.add_column('instructor', sa.Column('contact', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
    conn.execute(sa.text("UPDATE instructor SET contact = COALESCE(phone, email)"))
    for column in ('version', 'email', 'phone', 'title'):
        op.execute(sa.text(f'ALTER TABLE instructor DROP COLUMN {column}'))
    op.alter_column('instructor', 'topics', new_column_name='expertise')
    op.alter_column('instructor', 'unit', new_column_name='organisation')
