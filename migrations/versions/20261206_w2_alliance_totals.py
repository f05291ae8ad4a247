"""alliance totals: the portfolio's money and people figures stored per alliance

Revision ID: w2a11ce70a15
Revises: h3a0d17c0de5
Create Date: 2026-12-06 18:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'w2a11ce70a15'
down_revision = 'h3a0d17c0de5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('alliance_totals',
    sa.Column('alliance_id', sa.Integer(), nullable=False),
    sa.Column('grant_budget', sa.BigInteger(), nullable=False),
    sa.Column('counterpart_budget', sa.BigInteger(), nullable=False),
    sa.Column('disbursed', sa.BigInteger(), nullable=False),
    sa.Column('justified', sa.BigInteger(), nullable=False),
    sa.Column('counterpart_contributed', sa.BigInteger(), nullable=False),
    sa.Column('families', sa.Integer(), nullable=False),
    sa.Column('women', sa.Integer(), nullable=False),
    sa.Column('families_first', sa.Integer(), nullable=False),
    sa.Column('women_first', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_alliance_totals_alliance_id_alliances'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('alliance_id', name=op.f('pk_alliance_totals'))
    )
    # the existing alliances: one row each, counted from the records (the same statements as the app)
    from grants.reports.totals import refresh_totals

    refresh_totals(connection=op.get_bind())


def downgrade():
    op.drop_table('alliance_totals')
