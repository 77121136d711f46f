import { alembicPreset } from './alembic.js';
import { kallitheaGearbox } from './kallithea-gearbox.js';
import { kallithea } from './kallithea.js';
import type { Preset, PresetSettings } from './preset.js';

// The one list of presets: devdb.json's "preset" values, the CLI's --preset choices and
// the order detection tries them in all come from it. The CLI reads it at start-up, so
// a preset's module loads nothing heavy at its top.

/** Every preset, in the order detection prefers them when several fit equally. */
export const PRESETS = [kallithea, kallitheaGearbox, alembicPreset()] as const;

export type PresetName = (typeof PRESETS)[number]['name'];

export const PRESET_NAMES = PRESETS.map((preset) => preset.name) as [PresetName, ...PresetName[]];

/** The preset of this name, as it comes in the list (unshaped by devdb.json's settings). */
export const presetNamed = (name: PresetName): Preset => PRESETS.find((preset) => preset.name === name) as Preset;

/** The preset a config names, shaped by its settings. */
export function presetFor(config: { preset: PresetName } & PresetSettings): Preset {
  const preset = presetNamed(config.preset);
  return preset.configure?.(config) ?? preset;
}
