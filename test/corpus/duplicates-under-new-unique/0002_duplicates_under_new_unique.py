"""notes: unique body

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
        batch_op.create_unique_constraint('uq_notes_body', ['body'])


def downgrade():
    with op.batch_alter_table('notes') as batch_op:
        batch_op.drop_constraint('uq_notes_body', type_='unique')
