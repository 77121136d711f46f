import { z } from 'zod';
import { PRESET_NAMES } from '../presets/index.js';
import { ENGINE_NAMES } from '../schema/model.js';

/** A server URL: scheme and host, with the database part optional (devdb names its own databases there). */
const serverUrl = (schemes: RegExp, example: string) =>
  z.string().regex(schemes, `must be a URL such as ${example}`);

const relativeOrAbsolutePath = z
  .string()
  .min(1, 'must not be empty')
  .refine((s) => !/[\r\n\0]/.test(s), 'must not contain a line break or NUL (an INI value cannot hold one)');

/** The admin user setup-db creates; the wizard checks answers with it too. */
export const adminUser = z.string().regex(/^[\w.@+-]+$/, 'must be a user name of letters, digits and . @ + - _');

/** The admin's email; the wizard checks answers with it too. */
export const adminEmail = z.email('must be an email address such as admin@example.com');

/** devdb.json: every path is relative to the folder that holds it (the project root). */
export const configSchema = z
  .object({
    $schema: z.string().optional(),
    preset: z.enum(PRESET_NAMES),
    python: relativeOrAbsolutePath.describe("the project's Python (a virtualenv's bin/python)"),
    devIni: relativeOrAbsolutePath.describe('the development INI (development.ini, alembic.ini)'),
    devDb: relativeOrAbsolutePath
      .optional()
      .describe("the development database, when it is not the development INI's sqlalchemy.url: a URL, or a SQLite file relative to the project root"),
    throwawayIni: relativeOrAbsolutePath.default('temp.ini'),
    throwawayDb: relativeOrAbsolutePath
      .default('temp.db')
      .refine((value) => !value.includes('://'), 'must be a SQLite file path; for PostgreSQL or MariaDB set "engine" and "servers" instead')
      .describe('the SQLite throwaway database'),
    engine: z.enum(ENGINE_NAMES).default('sqlite').describe('where the throwaway databases live'),
    servers: z
      .object({
        postgres: serverUrl(/^postgres(ql)?(\+\w+)?:\/\/[^/]+/i, 'postgresql://user@127.0.0.1:5432/postgres').optional(),
        mysql: serverUrl(/^(mysql|mariadb)(\+\w+)?:\/\/[^/]+/i, 'mysql://root@127.0.0.1:3306/').optional(),
      })
      .strict()
      .default({})
      .describe('the database servers devdb may create throwaway databases on'),
    admin: z
      .object({
        user: adminUser.default('admin'),
        email: adminEmail.default('admin@example.com'),
        password: z.string().min(1).optional(),
      })
      .strict()
      .default({ user: 'admin', email: 'admin@example.com' }),
    repos: relativeOrAbsolutePath.default('.devdb/repos'),
    publicAccess: z.boolean().default(false),
    allowOutsideRoot: z.boolean().optional().describe('let the throwaway database and INI live outside the project root'),
    setupCommand: z.array(z.string().min(1)).min(1).optional(),
    setup: z
      .enum(['migrations', 'models'])
      .default('migrations')
      .describe('alembic preset: how a database is built from empty: alembic upgrade head, or create_all from target_metadata then alembic stamp head'),
    models: z.array(relativeOrAbsolutePath).min(1).optional().describe('globs of the model files devdb check watches, relative to the project root'),
    seed: z
      .union([
        relativeOrAbsolutePath.refine((s) => s.toLowerCase().endsWith('.sql'), 'must be a .sql file, or {"python": "pkg.module:function"}'),
        z.object({ python: z.string().regex(/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*$/, 'must name a function as "pkg.module:function"') }).strict(),
      ], { error: 'must be a .sql file, or {"python": "pkg.module:function"}' })
      .optional()
      .describe("the project's own rows, applied to the base before each proof: a .sql file relative to the project root, or a Python function called with a SQLAlchemy connection"),
    snapshots: z
      .object({ keep: z.number().int().min(1, 'must be at least 1').default(5) })
      .strict()
      .default({ keep: 5 })
      .describe('how many snapshots of the development database to keep (the one an applied, uncommitted draft needs is kept as well)'),
    branchSnapshots: z.number().int().min(1, 'must be at least 1').default(3).describe('how many snapshots devdb branch save keeps per branch'),
  })
  .strict()
  .refine((config) => config.engine === 'sqlite' || config.servers[config.engine] !== undefined, {
    path: ['servers'],
    message: 'must give a URL for the engine chosen in "engine" (devdb init --yes --engine ENGINE --server-url URL)',
  })
  .refine((config) => config.setup === 'migrations' || config.setupCommand === undefined, {
    path: ['setup'],
    message: 'must not be "models" together with "setupCommand"; the setup command builds the database instead',
  });

export type DevdbConfig = z.infer<typeof configSchema>;
export type DevdbConfigInput = z.input<typeof configSchema>;
