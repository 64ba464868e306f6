// Fails when the committed dist/, any action's action.yml or README.md's reference section differs
// from a fresh build of the current sources (all generated: dist/ by ncc, action.yml and the
// reference section from src/actions/).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const fresh = mkdtempSync(join(tmpdir(), 'bot-deploy-build-'));
/** The folders of `dir` holding an action.yml, and `.` when it holds one itself. */
const actionFolders = (dir) => [
  ...(existsSync(join(dir, 'action.yml')) ? ['.'] : []),
  ...readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'action.yml')))
    .map((entry) => entry.name),
];
const same = (a, b, flags) => {
  try {
    execFileSync('diff', [...flags, a, b], { stdio: 'inherit' });
    return true;
  } catch {
    return false;
  }
};
try {
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), fresh], { stdio: 'inherit' });
  const problems = [];
  if (!same(join(root, 'dist'), join(fresh, 'dist'), ['-r', '-q'])) problems.push('dist/');
  const folders = new Set([...actionFolders(root), ...actionFolders(fresh)]);
  for (const folder of [...folders].sort()) {
    const committed = join(root, folder, 'action.yml');
    const generated = join(fresh, folder, 'action.yml');
    if (!existsSync(generated)) problems.push(`${join(folder, 'action.yml')} (no action in src/actions/all-actions.ts has this folder)`);
    else if (!existsSync(committed) || !same(committed, generated, ['-u'])) problems.push(join(folder, 'action.yml'));
  }
  // The fresh README is the repository's with its reference section rendered again: any difference is that section.
  if (!same(join(root, 'README.md'), join(fresh, 'README.md'), ['-u'])) {
    problems.push('README.md (its reference section, between <!-- reference:start --> and <!-- reference:end -->, is rendered from src/actions/; do not edit it by hand)');
  }
  if (problems.length > 0) {
    console.error(`Not what a fresh build makes: ${problems.join(', ')}. Run \`npm run build\` and commit the result.`);
    process.exit(1);
  }
  console.log("dist/, every action.yml and README.md's reference section match a fresh build.");
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
