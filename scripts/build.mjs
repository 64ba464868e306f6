// Compiles src/ with tsc, then, for each action of src/actions/all-actions.ts, bundles its entry
// (src/<entry>/main.ts, where runs.main is .../dist/<entry>/index.js) with ncc into
// <out>/dist/<entry>/index.js and writes <out>/<folder>/action.yml from its metadata, and
// <out>/README.md: the repository's README with its reference section (inputs and outputs of every
// action) rendered from the same metadata.
// <out> is the repository itself unless given (check-dist builds into a scratch folder).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const out = process.argv[2] ?? root;
const outDist = join(out, 'dist');

const DIRNAME_SHIM =
  "import { dirname as __botDeployDirname } from 'node:path';\n" +
  "import { fileURLToPath as __botDeployFileURLToPath } from 'node:url';\n" +
  'const __dirname = __botDeployDirname(__botDeployFileURLToPath(import.meta.url));\n';

// Always the same folder: webpack derives module ids from file paths, so a different folder would
// make a different (if equivalent) bundle and check-dist could never match.
const lib = join(root, 'lib');
rmSync(lib, { recursive: true, force: true });
let actions;
try {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', lib], { stdio: 'inherit' });
  const { allActions } = await import(pathToFileURL(join(lib, 'actions/all-actions.js')).href);
  const { renderActionYml } = await import(pathToFileURL(join(lib, 'actions/action-yml.js')).href);
  const { renderReferenceMarkdown } = await import(pathToFileURL(join(lib, 'actions/reference-markdown.js')).href);
  const { replaceReferenceSection } = await import(pathToFileURL(join(lib, 'actions/readme-reference-section.js')).href);
  actions = allActions;
  // First, as it is quick and fails on a README without its markers before minutes of bundling.
  const readme = replaceReferenceSection(readFileSync(join(root, 'README.md'), 'utf8'), renderReferenceMarkdown(allActions));
  rmSync(outDist, { recursive: true, force: true });
  for (const entry of new Set(actions.map(entryOf))) bundle(entry);
  for (const action of actions) {
    mkdirSync(join(out, action.folder), { recursive: true });
    writeFileSync(join(out, action.folder, 'action.yml'), renderActionYml(action));
  }
  writeFileSync(join(out, 'README.md'), readme);
} finally {
  rmSync(lib, { recursive: true, force: true });
}
console.log(`built ${actions.map((action) => action.folder).join(', ')}`);

/** The bundle an action runs: `dist/<entry>/index.js`, built from src/<entry>/main.ts. */
function entryOf(action) {
  const entry = /(?:^|\/)dist\/([^/]+)\/index\.js$/.exec(action.runs.main)?.[1];
  if (!entry) throw new Error(`${action.folder}: runs.main must be a dist/<entry>/index.js path, not ${action.runs.main}`);
  return entry;
}

function bundle(entry) {
  execFileSync(process.execPath, [join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js'), 'build', join(lib, entry, 'main.js'),
    '-o', join(outDist, entry), '--minify', '--license', 'licenses.txt', '--quiet'], { stdio: 'inherit' });
  // ncc emits an ES module because the sources are ESM, but ssh2's poly1305 (emscripten) still reads
  // the CommonJS __dirname at load time; define it for the bundle.
  const file = join(outDist, entry, 'index.js');
  writeFileSync(file, DIRNAME_SHIM + readFileSync(file, 'utf8'));
}
