// The house rules of src/ (README, "Source map"): no import cycles, and no module imports a layer
// above its own. It reads the built graph (`npx depcruise dist/cli.js`): type-only imports are erased
// there, and TypeScript 7 has no compiler API the cruiser can use. test/unit/architecture.test.ts
// fails on any break.
const layers = [
  ['base', '(errors|children|redact)\\.js$'],
  ['schema', 'schema/'],
  ['parts', '(config|python|engines|vcs|migration|presets)/|(state|lock)\\.js$'],
  ['project', 'cache/|context\\.js$'],
  ['steps', 'steps/'],
  ['running', '(workflow|interrupt)\\.js$|report/'],
  ['loops', 'loops/'],
  ['commands', 'commands/'],
  ['cli', '(cli|main|early)\\.js$'],
].map(([name, pattern]) => [name, `^dist/(${pattern})`]);

const reachingUp = layers.slice(0, -1).map(([name, from], index) => ({
  name: `no-upward-from-${name}`,
  comment: `${name} must not import ${layers.slice(index + 1).map(([above]) => above).join(', ')}, the layers above it`,
  severity: 'error',
  from: { path: from },
  to: { path: layers.slice(index + 1).map(([, above]) => above).join('|') },
}));

module.exports = {
  forbidden: [{ name: 'no-cycle', severity: 'error', from: { path: '^dist/' }, to: { circular: true } }, ...reachingUp],
  options: { doNotFollow: { path: 'node_modules' }, exclude: { path: 'node_modules' } },
};
