import type { DevdbConfig } from '../config/schema.js';
import { alembicPreset } from './alembic.js';
import type { Preset } from './command.js';
import { kallithea, kallitheaGearbox } from './kallithea.js';

/** The preset a config names. */
export function presetFor(config: Pick<DevdbConfig, 'preset' | 'setupCommand'> & { setup?: DevdbConfig['setup'] }): Preset {
  switch (config.preset) {
    case 'kallithea':
      return kallithea;
    case 'kallithea-gearbox':
      return kallitheaGearbox;
    case 'alembic':
      return alembicPreset(config.setupCommand, config.setup);
  }
}
