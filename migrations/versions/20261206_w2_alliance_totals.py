"""alliance totals and stays: the portfolio's money, people and stage durations stored per alliance

Revision ID: w2a11ce70a15
Revises: w3a1e27c0de5
Create Date: 2026-12-06 18:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'w2a11ce70a15'
down_revision = 'w3a1e27c0de5'
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
    op.create_table('alliance_stays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alliance_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.Column('left_at', sa.DateTime(), nullable=True),
    sa.Column('days', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_alliance_stays_alliance_id_alliances'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alliance_stays'))
    )
    with op.batch_alter_table('alliance_stays', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alliance_stays_alliance_id'), ['alliance_id'], unique=False)
        batch_op.create_index('ix_alliance_stays_state_days', ['state', 'days'], unique=False)
    # the existing alliances: one row each, counted from the records (the same statements as the app)
    from grants.reports.totals import refresh_stays, refresh_totals

    refresh_totals(connection=op.get_bind())
    refresh_stays(connection=op.get_bind())


def downgrade():
    op.drop_table('alliance_stays')
    op.drop_table('alliance_totals')
