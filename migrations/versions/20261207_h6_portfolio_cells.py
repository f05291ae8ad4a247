"""portfolio cells: the alliances and their stored totals and indicator figures summed per region, call, product
and state, for the portfolio of any user without joining every alliance (issue 12)

Revision ID: u6c3e1150a7f
Revises: t2b1a7e5c3d9
Create Date: 2026-12-07 03:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'u6c3e1150a7f'
down_revision = 't2b1a7e5c3d9'
branch_labels = None
depends_on = None


def _cell():
    return [sa.Column('region', sa.String(length=80), nullable=False),
            sa.Column('call_id', sa.Integer(), nullable=False),
            sa.Column('product', sa.String(length=120), nullable=False),
            sa.Column('state', sa.String(length=30), nullable=False)]


def upgrade():
    op.create_table('alliance_cells',
    sa.Column('alliance_id', sa.Integer(), nullable=False),
    *_cell(),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_alliance_cells_alliance_id_alliances'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('alliance_id', name=op.f('pk_alliance_cells'))
    )
    with op.batch_alter_table('alliance_cells', schema=None) as batch_op:
        batch_op.create_index('ix_alliance_cells_cell', ['region', 'call_id', 'product', 'state'], unique=False)
    op.create_table('portfolio_cells',
    *_cell(),
    sa.Column('alliances', sa.Integer(), nullable=False),
    *[sa.Column(name, sa.BigInteger(), nullable=False)
      for name in ('grant_budget', 'counterpart_budget', 'disbursed', 'justified', 'counterpart_contributed')],
    sa.Column('families_first', sa.Integer(), nullable=False),
    sa.Column('women_first', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('region', 'call_id', 'product', 'state', name=op.f('pk_portfolio_cells'))
    )
    op.create_table('portfolio_indicator_cells',
    *_cell(),
    sa.Column('standard', sa.Boolean(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('indicators', sa.Integer(), nullable=False),
    sa.Column('baselines', sa.Integer(), nullable=False),
    sa.Column('baseline_sum', sa.BigInteger(), nullable=False),
    sa.Column('targets', sa.Integer(), nullable=False),
    sa.Column('target_sum', sa.BigInteger(), nullable=False),
    sa.Column('actuals', sa.Integer(), nullable=False),
    sa.Column('actual_sum', sa.BigInteger(), nullable=False),
    sa.Column('measured', sa.Integer(), nullable=False),
    sa.Column('on_target', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('region', 'call_id', 'product', 'state', 'standard', 'code',
                            name=op.f('pk_portfolio_indicator_cells'))
    )
    # the existing alliances (the same statements as the app)
    from grants.reports.cells import refresh_cells

    refresh_cells(connection=op.get_bind())


def downgrade():
    op.drop_table('portfolio_indicator_cells')
    op.drop_table('portfolio_cells')
    with op.batch_alter_table('alliance_cells', schema=None) as batch_op:
        batch_op.drop_index('ix_alliance_cells_cell')
    op.drop_table('alliance_cells')
