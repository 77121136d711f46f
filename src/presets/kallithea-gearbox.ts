import { usageError } from '../errors.js';
import type { Admin, Command, SetupOptions } from './command.js';
import { isKallitheaTree, kallitheaGeneration, kallitheaTree } from './kallithea-tree.js';
import type { Preset } from './preset.js';

/** The admin and repository options of gearbox setup-db, in the seed's own spelling: --repos=/var/repos --user=doe --email doe@example.com --password=123456 --no-public-access --force-yes. */
const adminOptions = (admin: Admin, repos: string, publicAccess: boolean): string[] => [
  `--repos=${repos}`, `--user=${admin.user}`, '--email', admin.email, `--password=${admin.password}`, publicAccess ? '--public-access' : '--no-public-access', '--force-yes',
];

/** Kallithea before 0.6 (the seed's text): gearbox make-config, setup-db, repo-scan. */
export const kallitheaGearbox: Preset<'kallithea-gearbox'> = {
  ...kallitheaTree,
  name: 'kallithea-gearbox',
  summary: 'Kallithea before 0.6 (gearbox)',
  detect: ({ root, has }) => (isKallitheaTree(root) && has('gearbox') ? 'sure' : undefined),
  tools: ['gearbox', 'alembic'],
  inProcessTools: ['gearbox'],
  checkSource: (root) => {
    const generation = kallitheaGeneration(root);
    if (generation?.modern) {
      throw usageError(`Kallithea ${generation.shown} (kallithea/__init__.py) has no gearbox commands since 0.6, which the "kallithea-gearbox" preset runs; use "devdb init --yes --force --preset kallithea".`);
    }
  },
  makeConfig: (ini) => ({ tool: 'gearbox', args: ['make-config', ini] }),
  setupDb: ({ ini, admin, repos, publicAccess }: SetupOptions): Command => ({
    tool: 'gearbox',
    args: ['setup-db', '-c', ini, ...adminOptions(admin, repos, publicAccess)],
    secrets: [admin.password],
  }),
  repoScan: (ini) => ({ tool: 'gearbox', args: ['repo-scan', '-c', ini] }),
};
