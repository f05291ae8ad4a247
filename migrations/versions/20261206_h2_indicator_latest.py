"""indicator_latest and stage_durations: each indicator's latest value and the program's stage durations stored, for
the portfolio and the portal (issue 12)

Revision ID: t2b1a7e5c3d9
Revises: s1a9c0ffee15
Create Date: 2026-12-06 23:55:00

"""
from alembic import op
import sqlalchemy as sa


revision = 't2b1a7e5c3d9'
down_revision = 's1a9c0ffee15'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicator_latest',
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('alliance_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_indicator_latest_alliance_id_alliances'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'],
                            name=op.f('fk_indicator_latest_indicator_id_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('indicator_id', name=op.f('pk_indicator_latest'))
    )
    with op.batch_alter_table('indicator_latest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_latest_alliance_id'), ['alliance_id'], unique=False)
    # the existing values: each indicator's latest period (what grants.reports.totals.refresh_latest writes)
    op.execute(
        "INSERT INTO indicator_latest (indicator_id, alliance_id, period, value) "
        "SELECT indicator_id, alliance_id, period, value FROM ("
        " SELECT v.indicator_id, v.alliance_id, v.period, v.value,"
        " ROW_NUMBER() OVER (PARTITION BY v.indicator_id ORDER BY v.period DESC) AS rn"
        " FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id) ranked WHERE rn = 1")


    op.create_table('stage_durations',
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('stays', sa.Integer(), nullable=False),
    sa.Column('mean_days', sa.Float(), nullable=False),
    sa.Column('median_days', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('state', name=op.f('pk_stage_durations'))
    )
    # the program's durations from the stays (the same statements as the app)
    from grants.reports.totals import refresh_durations

    refresh_durations(connection=op.get_bind())


def downgrade():
    op.drop_table('stage_durations')
    op.drop_table('indicator_latest')
