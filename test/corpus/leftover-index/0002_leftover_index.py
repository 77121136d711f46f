"""notes: add title, index body

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
        batch_op.add_column(sa.Column('title', sa.String(length=80), nullable=True))
        batch_op.create_index('ix_notes_body', ['body'], unique=False)


def downgrade():
    with op.batch_alter_table('notes') as batch_op:
        batch_op.drop_column('title')
