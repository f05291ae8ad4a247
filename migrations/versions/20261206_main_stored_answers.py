"""stored answers: the public portal computed once for every worker

Revision ID: 5e1d0c4a7b21
Revises: 97a00f9d5fcc
Create Date: 2026-12-06 17:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5e1d0c4a7b21'
down_revision = '97a00f9d5fcc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stored_answers',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('etag', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_stored_answers'))
    )
    with op.batch_alter_table('stored_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_answers_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('stored_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_answers_expires_at'))
    op.drop_table('stored_answers')
