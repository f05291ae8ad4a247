"""follow-ups of a closed alliance at one, two and three years (life after the grant)

Revision ID: s5f011a0b5e1
Revises: s4a1d0c5e6f7
Create Date: 2026-12-06 20:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 's5f011a0b5e1'
down_revision = 's4a1d0c5e6f7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alliance_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('still_selling', sa.Boolean(), nullable=False),
    sa.Column('buyer_kept', sa.Boolean(), nullable=False),
    sa.Column('other_buyers', sa.String(length=300), nullable=False),
    sa.Column('sales_volume', sa.BigInteger(), nullable=True),
    sa.Column('sales_unit', sa.String(length=60), nullable=False),
    sa.Column('sales_value', sa.BigInteger(), nullable=True),
    sa.Column('families_active', sa.Integer(), nullable=False),
    sa.Column('women_active', sa.Integer(), nullable=False),
    sa.Column('revolving_fund_balance', sa.BigInteger(), nullable=True),
    sa.Column('loans_open', sa.Integer(), nullable=True),
    sa.Column('loans_outstanding', sa.BigInteger(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('year IN (1, 2, 3)', name=op.f('ck_follow_ups_year_known')),
    sa.CheckConstraint('"kind" IN (\'visit\', \'call\')', name=op.f('ck_follow_ups_kind_known')),
    sa.CheckConstraint('sales_volume IS NULL OR sales_volume >= 0', name=op.f('ck_follow_ups_sales_volume_non_negative')),
    sa.CheckConstraint('sales_value IS NULL OR sales_value >= 0', name=op.f('ck_follow_ups_sales_value_non_negative')),
    sa.CheckConstraint('families_active >= 0', name=op.f('ck_follow_ups_families_active_non_negative')),
    sa.CheckConstraint('women_active >= 0 AND women_active <= families_active',
                       name=op.f('ck_follow_ups_women_active_in_range')),
    sa.CheckConstraint('revolving_fund_balance IS NULL OR revolving_fund_balance >= 0',
                       name=op.f('ck_follow_ups_revolving_fund_balance_non_negative')),
    sa.CheckConstraint('loans_open IS NULL OR loans_open >= 0', name=op.f('ck_follow_ups_loans_open_non_negative')),
    sa.CheckConstraint('loans_outstanding IS NULL OR loans_outstanding >= 0',
                       name=op.f('ck_follow_ups_loans_outstanding_non_negative')),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_follow_ups_alliance_id_alliances'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_follow_ups_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_ups')),
    sa.UniqueConstraint('alliance_id', 'year', name=op.f('uq_follow_ups_alliance_year'))
    )
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_ups_alliance_id'), ['alliance_id'], unique=False)


def downgrade():
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_ups_alliance_id'))
    op.drop_table('follow_ups')
