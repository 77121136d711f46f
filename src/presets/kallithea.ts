import type { Admin, Command, Preset, SetupOptions } from './command.js';

/** The admin and repository options db-create and setup-db share. */
function adminOptions(admin: Admin, repos: string, publicAccess: boolean, style: 'cli' | 'gearbox'): string[] {
  const visibility = publicAccess ? '--public-access' : '--no-public-access';
  if (style === 'gearbox') {
    // The seed's own spelling: gearbox setup-db -c temp.ini --repos=/var/repos --user=doe --email doe@example.com --password=123456 --no-public-access --force-yes
    return [`--repos=${repos}`, `--user=${admin.user}`, '--email', admin.email, `--password=${admin.password}`, visibility, '--force-yes'];
  }
  return ['--user', admin.user, '--password', admin.password, '--email', admin.email, '--repos', repos, '--force-yes', visibility];
}

/** Kallithea 0.6 and newer: kallithea-cli config-create, db-create, repo-scan. */
export const kallithea: Preset = {
  name: 'kallithea',
  summary: 'Kallithea 0.6+ (kallithea-cli)',
  tools: ['kallithea-cli', 'alembic'],
  needsAdmin: true,
  urlSections: ['alembic', 'app:main'],
  makeConfig: (ini) => ({ tool: 'kallithea-cli', args: ['config-create', ini] }),
  setupDb: ({ ini, admin, repos, publicAccess }: SetupOptions): Command => ({
    tool: 'kallithea-cli',
    args: ['db-create', '-c', ini, ...adminOptions(admin, repos, publicAccess, 'cli')],
    secrets: [admin.password],
  }),
  repoScan: (ini) => ({ tool: 'kallithea-cli', args: ['repo-scan', '-c', ini] }),
};

/** Kallithea before 0.6 (the seed's text): gearbox make-config, setup-db, repo-scan. */
export const kallitheaGearbox: Preset = {
  name: 'kallithea-gearbox',
  summary: 'Kallithea before 0.6 (gearbox)',
  tools: ['gearbox', 'alembic'],
  needsAdmin: true,
  urlSections: ['alembic', 'app:main'],
  makeConfig: (ini) => ({ tool: 'gearbox', args: ['make-config', ini] }),
  setupDb: ({ ini, admin, repos, publicAccess }: SetupOptions): Command => ({
    tool: 'gearbox',
    args: ['setup-db', '-c', ini, ...adminOptions(admin, repos, publicAccess, 'gearbox')],
    secrets: [admin.password],
  }),
  repoScan: (ini) => ({ tool: 'gearbox', args: ['repo-scan', '-c', ini] }),
};
