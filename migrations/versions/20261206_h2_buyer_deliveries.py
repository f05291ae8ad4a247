"""the buyer as a party: buyer accounts (role buyer), deliveries to the buyer, the program rule
buyer_noncompliance_share

Revision ID: s2b7e1d0a4c2
Revises: s6a0c1b2d3e4
Create Date: 2026-12-06 20:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 's2b7e1d0a4c2'
down_revision = 's6a0c1b2d3e4'
branch_labels = None
depends_on = None

ROLES_BEFORE = ('admin', 'officer', 'finance', 'committee', 'facilitator', 'ta_provider', 'auditor')
#: the integrator adds here the roles other branches add (grievance_officer) when the heads are chained
ROLES_AFTER = ROLES_BEFORE + ('buyer',)


def _roles_check(roles):
    return '"role" IN (%s)' % ", ".join("'%s'" % r for r in roles)


def upgrade():
    op.create_table('buyer_accounts',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('linked_by_id', sa.Integer(), nullable=True),
    sa.Column('linked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['buyer_id'], ['buyers.id'], name=op.f('fk_buyer_accounts_buyer_id_buyers'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['linked_by_id'], ['users.id'], name=op.f('fk_buyer_accounts_linked_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_buyer_accounts_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_buyer_accounts'))
    )
    op.create_index(op.f('ix_buyer_accounts_buyer_id'), 'buyer_accounts', ['buyer_id'], unique=False)
    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alliance_id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit', sa.String(length=30), nullable=False),
    sa.Column('quality', sa.String(length=300), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('dispute_reason', sa.Text(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('paid_amount', sa.BigInteger(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('"state" IN (\'recorded\', \'confirmed\', \'disputed\')', name=op.f('ck_deliveries_state_known')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_deliveries_quantity_positive')),
    sa.CheckConstraint('paid_amount IS NULL OR paid_amount >= 0', name=op.f('ck_deliveries_paid_amount_non_negative')),
    sa.CheckConstraint('"unit_price" >= 0', name=op.f('ck_deliveries_unit_price_non_negative')),
    sa.CheckConstraint('"amount" >= 0', name=op.f('ck_deliveries_amount_non_negative')),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_deliveries_alliance_id_alliances'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['buyer_id'], ['buyers.id'], name=op.f('fk_deliveries_buyer_id_buyers')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_deliveries_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_deliveries_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries'))
    )
    op.create_index(op.f('ix_deliveries_buyer_id'), 'deliveries', ['buyer_id'], unique=False)
    op.create_index('ix_deliveries_alliance_state', 'deliveries', ['alliance_id', 'state'], unique=False)
    with op.batch_alter_table('programs') as batch:
        batch.add_column(sa.Column('buyer_noncompliance_share', sa.BigInteger(), nullable=False,
                                   server_default='2000'))
        batch.create_check_constraint(op.f('ck_programs_buyer_noncompliance_range'),
                                      'buyer_noncompliance_share BETWEEN 0 AND 10000')
    with op.batch_alter_table('user_roles') as batch:
        batch.drop_constraint(op.f('ck_user_roles_role_known'), type_='check')
        batch.create_check_constraint(op.f('ck_user_roles_role_known'), _roles_check(ROLES_AFTER))


def downgrade():
    op.execute("DELETE FROM user_roles WHERE role = 'buyer'")
    with op.batch_alter_table('user_roles') as batch:
        batch.drop_constraint(op.f('ck_user_roles_role_known'), type_='check')
        batch.create_check_constraint(op.f('ck_user_roles_role_known'), _roles_check(ROLES_BEFORE))
    with op.batch_alter_table('programs') as batch:
        batch.drop_constraint(op.f('ck_programs_buyer_noncompliance_range'), type_='check')
        batch.drop_column('buyer_noncompliance_share')
    op.drop_index('ix_deliveries_alliance_state', table_name='deliveries')
    op.drop_index(op.f('ix_deliveries_buyer_id'), table_name='deliveries')
    op.drop_table('deliveries')
    op.drop_index(op.f('ix_buyer_accounts_buyer_id'), table_name='buyer_accounts')
    op.drop_table('buyer_accounts')
