// Compiles src/ with tsc, then bundles each action entry with ncc into dist/<action>/index.js.
// An action is any folder at the repository root holding an action.yml next to src/<action>/main.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const outDir = process.argv[2] ?? join(root, 'dist');
const actions = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'action.yml')))
  .map((d) => d.name)
  .filter((name) => existsSync(join(root, 'src', name, 'main.ts')))
  .sort();

const DIRNAME_SHIM =
  "import { dirname as __botDeployDirname } from 'node:path';\n" +
  "import { fileURLToPath as __botDeployFileURLToPath } from 'node:url';\n" +
  'const __dirname = __botDeployDirname(__botDeployFileURLToPath(import.meta.url));\n';

// Always the same folder: webpack derives module ids from file paths, so a different folder would
// make a different (if equivalent) bundle and check-dist could never match.
const lib = join(root, 'lib');
rmSync(lib, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', lib], { stdio: 'inherit' });
  rmSync(outDir, { recursive: true, force: true });
  for (const action of actions) bundle(action);
} finally {
  rmSync(lib, { recursive: true, force: true });
}
console.log(`built ${actions.join(', ')}`);

function bundle(action) {
  execFileSync(process.execPath, [join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js'), 'build', join(lib, action, 'main.js'),
    '-o', join(outDir, action), '--minify', '--license', 'licenses.txt', '--quiet'], { stdio: 'inherit' });
  // ncc emits an ES module because the sources are ESM, but ssh2's poly1305 (emscripten) still reads
  // the CommonJS __dirname at load time; define it for the bundle.
  const file = join(outDir, action, 'index.js');
  writeFileSync(file, DIRNAME_SHIM + readFileSync(file, 'utf8'));
}
