// Action cold start: spawn → first line on stdout of `node dist/<action>/index.js`, against the time
// `node -e 'console.log(0)'` takes to print its line, measured alternately in the same run.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { median, percentile, printTable } from './table.mjs';

const root = new URL('..', import.meta.url).pathname;
const runs = Number(process.env.BENCH_RUNS ?? 30);

function firstLineMs(args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'ignore'] });
    let done = false;
    child.stdout.on('data', () => {
      if (!done) {
        done = true;
        resolve(Number(process.hrtime.bigint() - started) / 1e6);
      }
    });
    child.on('exit', () => done || reject(new Error(`${args.join(' ')} printed nothing`)));
  });
}

const actions = readdirSync(join(root, 'dist'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
const subjects = [['node -e (baseline)', ['-e', 'console.log(0)']], ...actions.map((a) => [`dist/${a}/index.js`, [join(root, 'dist', a, 'index.js')]])];
const samples = new Map(subjects.map(([name]) => [name, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, args] of subjects) samples.get(name).push(await firstLineMs(args));
}
const baseline = median(samples.get(subjects[0][0]));
printTable(
  `Action cold start to first log line (${runs} runs each, Node ${process.version})`,
  ['subject', 'median ms', 'p90 ms', 'above node -e (median)'],
  subjects.map(([name]) => {
    const s = samples.get(name);
    return [name, median(s).toFixed(1), percentile(s, 0.9).toFixed(1), name.startsWith('node -e') ? '—' : `+${(median(s) - baseline).toFixed(1)} ms`];
  }),
);
