// A chain of generated revisions on the small Alembic project (scripts/alembic-project.mjs):
// each revision after the first ("0001") adds one nullable column to notes, its
// downgrade drops it, and the models gain the same columns so that they match the head.
import path from 'node:path';
import fs from 'fs-extra';

const script = (id, parent, column) => `"""notes: add ${column}"""
from alembic import op
import sqlalchemy as sa

revision = '${id}'
down_revision = '${parent}'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('notes', sa.Column('${column}', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('notes') as batch_op:
        batch_op.drop_column('${column}')
`;

/** Writes revisions 0002…length after 0001 into the project at root, and the matching columns into its models. */
export async function addChain(root, length) {
  const versions = path.join(root, 'migrations', 'versions');
  const columns = [];
  let parent = '0001';
  for (let i = 2; i <= length; i += 1) {
    const id = String(i).padStart(4, '0');
    const column = `c${id}`;
    await fs.writeFile(path.join(versions, `${id}_notes_add_${column}.py`), script(id, parent, column));
    columns.push(`    ${column} = Column(String(40), nullable=True)\n`);
    parent = id;
  }
  const models = path.join(root, 'app', 'models.py');
  await fs.writeFile(models, (await fs.readFile(models, 'utf8')).replace('    body = Column(String(200))\n', `    body = Column(String(200))\n${columns.join('')}`));
}
