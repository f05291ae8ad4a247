"""open data settings of a program: IATI reporting organisation, OCDS prefix, licence, DAC sectors (issue 17)

Revision ID: s7a0d17e0d47
Revises: w2a11ce70a15
Create Date: 2026-12-06 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 's7a0d17e0d47'
down_revision = 'w2a11ce70a15'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('open_data_settings',
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('reporting_org_ref', sa.String(length=80), nullable=False),
    sa.Column('ocid_prefix', sa.String(length=40), nullable=False),
    sa.Column('licence', sa.String(length=40), nullable=False),
    sa.Column('dac_sectors', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_open_data_settings_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('program_id', name=op.f('pk_open_data_settings'))
    )


def downgrade():
    op.drop_table('open_data_settings')
