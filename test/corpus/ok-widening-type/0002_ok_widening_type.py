"""notes: longer body

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
        batch_op.alter_column('body', existing_type=sa.String(length=200), type_=sa.String(length=400))


def downgrade():
    with op.batch_alter_table('notes') as batch_op:
        batch_op.alter_column('body', existing_type=sa.String(length=400), type_=sa.String(length=200))
