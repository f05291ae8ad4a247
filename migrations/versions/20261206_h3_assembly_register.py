"""h3 assembly register: assemblies, their decisions, and the pointers from procurements and accountability reports

Revision ID: s3a55e3b1e01
Revises: s7a0d17e0d47
Create Date: 2026-12-06 20:30:46

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 's3a55e3b1e01'
down_revision = 's7a0d17e0d47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assemblies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('women', sa.Integer(), nullable=False),
    sa.Column('men', sa.Integer(), nullable=False),
    sa.Column('families_present', sa.Integer(), nullable=True),
    sa.Column('members_total', sa.Integer(), nullable=False),
    sa.Column('quorum_required', sa.Integer(), nullable=False),
    sa.Column('quorum_met', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('minutes_sha256', sa.String(length=64), nullable=False),
    sa.Column('minutes_filename', sa.String(length=200), nullable=False),
    sa.Column('minutes_content_type', sa.String(length=60), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('"kind" IN (\'ordinary\', \'extraordinary\')', name=op.f('ck_assemblies_kind_known')),
    sa.CheckConstraint('families_present IS NULL OR families_present >= 0', name=op.f('ck_assemblies_families_non_negative')),
    sa.CheckConstraint('members_total >= 0 AND quorum_required >= 0', name=op.f('ck_assemblies_quorum_non_negative')),
    sa.CheckConstraint('women >= 0 AND men >= 0', name=op.f('ck_assemblies_attendance_non_negative')),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_assemblies_association_id_associations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_assemblies_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assemblies')),
    sa.UniqueConstraint('association_id', 'held_on', 'kind', name='uq_assemblies_once')
    )
    with op.batch_alter_table('assemblies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assemblies_association_id'), ['association_id'], unique=False)

    op.create_table('assembly_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assembly_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.Column('votes_for', sa.Integer(), nullable=True),
    sa.Column('votes_against', sa.Integer(), nullable=True),
    sa.Column('votes_abstain', sa.Integer(), nullable=True),
    sa.CheckConstraint('"kind" IN (\'plan_approval\', \'direct_contracting\', \'accountability_report\', \'revolving_policy\', \'board_election\', \'other\')', name=op.f('ck_assembly_decisions_kind_known')),
    sa.CheckConstraint('(votes_for IS NULL OR votes_for >= 0) AND (votes_against IS NULL OR votes_against >= 0) AND (votes_abstain IS NULL OR votes_abstain >= 0)', name=op.f('ck_assembly_decisions_votes_non_negative')),
    sa.ForeignKeyConstraint(['assembly_id'], ['assemblies.id'], name=op.f('fk_assembly_decisions_assembly_id_assemblies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assembly_decisions')),
    sa.UniqueConstraint('assembly_id', 'position', name='uq_assembly_decisions_position')
    )
    with op.batch_alter_table('assembly_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assembly_decisions_assembly_id'), ['assembly_id'], unique=False)

    with op.batch_alter_table('accountability_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assembly_decision_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_accountability_reports_assembly_decision_id_assembly_decisions'), 'assembly_decisions', ['assembly_decision_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('procurements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assembly_decision_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_procurements_assembly_decision_id_assembly_decisions'), 'assembly_decisions', ['assembly_decision_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('procurements', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_procurements_assembly_decision_id_assembly_decisions'), type_='foreignkey')
        batch_op.drop_column('assembly_decision_id')

    with op.batch_alter_table('accountability_reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_accountability_reports_assembly_decision_id_assembly_decisions'), type_='foreignkey')
        batch_op.drop_column('assembly_decision_id')

    with op.batch_alter_table('assembly_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assembly_decisions_assembly_id'))

    op.drop_table('assembly_decisions')
    with op.batch_alter_table('assemblies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assemblies_association_id'))

    op.drop_table('assemblies')
