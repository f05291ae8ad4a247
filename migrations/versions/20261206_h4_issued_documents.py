"""issued documents: the register of every PDF the system issued, answering /verify/<sha256>

Revision ID: s4a1d0c5e6f7
Revises: s3a55e3b1e01
Create Date: 2026-12-06 20:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 's4a1d0c5e6f7'
down_revision = 's3a55e3b1e01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('issued_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('alliance_id', sa.Integer(), nullable=True),
    sa.Column('alliance_code', sa.String(length=40), nullable=True),
    sa.Column('reference', sa.String(length=80), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('superseded', sa.Boolean(), nullable=False),
    sa.Column('superseded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_issued_documents_alliance_id_alliances'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_documents')),
    sa.UniqueConstraint('sha256', name=op.f('uq_issued_documents_sha256'))
    )
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.create_index('ix_issued_documents_version', ['kind', 'alliance_id', 'reference', 'language'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_issued_documents_alliance_id'), ['alliance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_documents_file_sha256'), ['file_sha256'], unique=False)


def downgrade():
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_documents_file_sha256'))
        batch_op.drop_index(batch_op.f('ix_issued_documents_alliance_id'))
        batch_op.drop_index('ix_issued_documents_version')
    op.drop_table('issued_documents')
