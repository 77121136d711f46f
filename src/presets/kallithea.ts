import { usageError } from '../errors.js';
import type { Admin, Command, SetupOptions } from './command.js';
import { isKallitheaTree, kallitheaGeneration, kallitheaTree } from './kallithea-tree.js';
import type { Preset } from './preset.js';

/** The admin and repository options of kallithea-cli db-create. */
const adminOptions = (admin: Admin, repos: string, publicAccess: boolean): string[] => [
  '--user', admin.user, '--password', admin.password, '--email', admin.email, '--repos', repos, '--force-yes', publicAccess ? '--public-access' : '--no-public-access',
];

/** Kallithea 0.6 and newer: kallithea-cli config-create, db-create, repo-scan. */
export const kallithea: Preset<'kallithea'> = {
  ...kallitheaTree,
  name: 'kallithea',
  summary: 'Kallithea 0.6+ (kallithea-cli)',
  // A Kallithea tree whose Python has neither tool yet is still most likely a current one.
  detect: ({ root, has }) => (has('kallithea-cli') ? 'sure' : isKallitheaTree(root) ? 'maybe' : undefined),
  tools: ['kallithea-cli', 'alembic'],
  inProcessTools: ['kallithea-cli'],
  checkSource: (root) => {
    const generation = kallitheaGeneration(root);
    if (generation && !generation.modern) {
      throw usageError(`Kallithea ${generation.shown} (kallithea/__init__.py) is older than 0.6 and has no kallithea-cli, which the "kallithea" preset runs; use "devdb init --yes --force --preset kallithea-gearbox".`);
    }
  },
  needsPython: { what: 'Kallithea 0.6 and later (the kallithea preset)', need: '3.6+', has: ([major, minor]) => major > 3 || (major === 3 && minor >= 6) },
  // db-create is create_all on kallithea.model.db's tables, alembic stamp head and rows (kallithea/lib/db_manage.py create_tables).
  schemaFromModels: { modules: ['kallithea.model.db'] },
  makeConfig: (ini) => ({ tool: 'kallithea-cli', args: ['config-create', ini] }),
  setupDb: ({ ini, admin, repos, publicAccess }: SetupOptions): Command => ({
    tool: 'kallithea-cli',
    args: ['db-create', '-c', ini, ...adminOptions(admin, repos, publicAccess)],
    secrets: [admin.password],
  }),
  repoScan: (ini) => ({ tool: 'kallithea-cli', args: ['repo-scan', '-c', ini] }),
};
