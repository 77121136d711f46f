"""notes: add editor

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
    with op.batch_alter_table('notes') as batch_op:
        batch_op.add_column(sa.Column('editor_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_notes_editor_id', 'users', ['editor_id'], ['id'])


def downgrade():
    with op.batch_alter_table('notes') as batch_op:
        batch_op.drop_constraint('fk_notes_editor_id', type_='foreignkey')
        batch_op.drop_column('editor_id')
