"""tags: create

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tags', sa.Column('id', sa.Integer(), nullable=False), sa.Column('note_id', sa.Integer(), nullable=False), sa.ForeignKeyConstraint(['note_id'], ['notes.id'], ondelete='CASCADE'), sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('tags') as batch_op:
        batch_op.create_index('ix_tags_note_id', ['note_id'], unique=False)


def downgrade():
    with op.batch_alter_table('tags') as batch_op:
        batch_op.drop_index('ix_tags_note_id')
    op.drop_table('tags')
