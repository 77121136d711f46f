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
    op.create_table('tags', sa.Column('id', sa.Integer(), nullable=False), sa.Column('label', sa.String(length=40), nullable=True), sa.PrimaryKeyConstraint('id'))


def downgrade():
    pass
