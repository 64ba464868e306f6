// The defaults an action.yml declares: the runner passes them as INPUT_<NAME> for every input a
// workflow leaves out, so anything that runs a bundle "like the runner" must pass them too.
// As a command (`node scripts/action-defaults.mjs <action>`) it prints NAME=value records, NUL-separated.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = new URL('..', import.meta.url).pathname;

export function actionDefaults(action) {
  const { inputs } = parse(readFileSync(join(root, action, 'action.yml'), 'utf8'));
  return Object.fromEntries(
    Object.entries(inputs).flatMap(([name, spec]) => (spec.default === undefined ? [] : [[name, String(spec.default)]])),
  );
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  for (const [name, value] of Object.entries(actionDefaults(process.argv[2]))) process.stdout.write(`INPUT_${name.toUpperCase()}=${value}\0`);
}
