"""page fragments: the alliance page's content stored per alliance, viewer, language and part, and the stamps
the changes that move it bump in the same transaction (issue 12, grants/alliances/cards.py)

Revision ID: v7a1c4e9d2b6
Revises: u6c3e1150a7f
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'v7a1c4e9d2b6'
down_revision = 'u6c3e1150a7f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('page_stamps',
    sa.Column('alliance_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('stamp', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('alliance_id', name=op.f('pk_page_stamps'))
    )
    op.create_table('page_fragments',
    sa.Column('alliance_id', sa.Integer(), nullable=False),
    sa.Column('viewer_id', sa.Integer(), nullable=False),
    sa.Column('lang', sa.String(length=16), nullable=False),
    sa.Column('part', sa.String(length=20), nullable=False),
    sa.Column('stamp', sa.Integer(), nullable=False),
    sa.Column('shared', sa.Integer(), nullable=False),
    sa.Column('variant', sa.String(length=64), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('built_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_page_fragments_alliance_id_alliances'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['viewer_id'], ['users.id'], name=op.f('fk_page_fragments_viewer_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('alliance_id', 'viewer_id', 'lang', 'part', name=op.f('pk_page_fragments'))
    )


def downgrade():
    op.drop_table('page_fragments')
    op.drop_table('page_stamps')
