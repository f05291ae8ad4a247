"""stored alerts: the open alerts of every alliance, refreshed by the changes that raise or clear them

Revision ID: w3a1e27c0de5
Revises: h7a1d3e5f7b9
Create Date: 2026-12-06 18:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'w3a1e27c0de5'
down_revision = 'h7a1d3e5f7b9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alliance_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('ref', sa.String(length=40), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('raised_at', sa.DateTime(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_alerts_alliance_id_alliances'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts')),
    sa.UniqueConstraint('alliance_id', 'code', 'ref', name=op.f('uq_alerts_alliance_id'))
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index('ix_alerts_due_since', ['due', 'since'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_alliance_id'), ['alliance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_code'), ['code'], unique=False)
    # the alerts the data already holds: run `flask grants refresh-alerts` after this upgrade


def downgrade():
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alerts_code'))
        batch_op.drop_index(batch_op.f('ix_alerts_alliance_id'))
        batch_op.drop_index('ix_alerts_due_since')
    op.drop_table('alerts')
