"""notes: rename body

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
        batch_op.add_column(sa.Column('content', sa.String(length=200), nullable=True))
        batch_op.drop_column('body')


def downgrade():
    with op.batch_alter_table('notes') as batch_op:
        batch_op.add_column(sa.Column('body', sa.VARCHAR(length=200), nullable=True))
        batch_op.drop_column('content')
