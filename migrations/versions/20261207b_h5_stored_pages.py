"""stored pages: the lists over many alliances stored per endpoint, viewer and language, and the scope stamps
(region, association) the changes that move them bump in the same transaction (issue 12,
grants/alliances/stored.py)

Revision ID: w5b2d8f3a1c7
Revises: v7a1c4e9d2b6
Create Date: 2026-12-07 09:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'w5b2d8f3a1c7'
down_revision = 'v7a1c4e9d2b6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scope_stamps',
    sa.Column('scope', sa.String(length=100), nullable=False),
    sa.Column('stamp', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_scope_stamps'))
    )
    op.create_table('stored_pages',
    sa.Column('endpoint', sa.String(length=80), nullable=False),
    sa.Column('viewer_id', sa.Integer(), nullable=False),
    sa.Column('lang', sa.String(length=16), nullable=False),
    sa.Column('variant', sa.String(length=64), nullable=False),
    sa.Column('validator', sa.BigInteger(), nullable=False),
    sa.Column('shared', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('built_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['viewer_id'], ['users.id'], name=op.f('fk_stored_pages_viewer_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('endpoint', 'viewer_id', 'lang', name=op.f('pk_stored_pages'))
    )


def downgrade():
    op.drop_table('stored_pages')
    op.drop_table('scope_stamps')
