"""page documents: the generated PDFs of an alliance (its agreement, its tranches' letters) kept per alliance,
name and language at the stamps of its stored page parts, with their ETag (issue 12, grants/alliances/cards.py)

Revision ID: w1d0c5a7e3f8
Revises: w5b2d8f3a1c7
Create Date: 2026-12-07 09:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'w1d0c5a7e3f8'
down_revision = 'w5b2d8f3a1c7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('page_documents',
    sa.Column('alliance_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('lang', sa.String(length=16), nullable=False),
    sa.Column('stamp', sa.Integer(), nullable=False),
    sa.Column('shared', sa.Integer(), nullable=False),
    sa.Column('variant', sa.String(length=64), nullable=False),
    sa.Column('etag', sa.String(length=64), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('built_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_page_documents_alliance_id_alliances'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('alliance_id', 'name', 'lang', name=op.f('pk_page_documents'))
    )


def downgrade():
    op.drop_table('page_documents')
