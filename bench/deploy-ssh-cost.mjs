// A deploy's SSH cost: connections opened (counted in the lab sshd's log) and wall time of ssh-deploy,
// against the same steps done with one ssh/scp call per step (baseline-deploy.sh), alternating
// v1/v2 recreate deploys of the sample webhook bot in the same run.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, printTable } from './table.mjs';

const root = new URL('..', import.meta.url).pathname;
const lab = join(root, '.lab');
const runs = Number(process.env.BENCH_RUNS ?? 6);
const sshdLog = join(lab, 'sshd/sshd.log');
const accepted = () => (readFileSync(sshdLog, 'utf8').match(/Accepted publickey for deploy from \S+ port \d+ ssh2: ECDSA/g) ?? []).length;

function suiteDeploy(app, version, port) {
  const knownHosts = `[127.0.0.1]:2222 ${readFileSync(join(lab, 'sshd/ssh_host_ed25519_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ')}`;
  const inputs = {
    HOST: '127.0.0.1', PORT: '2222', USER: 'deploy', 'PRIVATE-KEY': readFileSync(join(lab, 'keys/id_ecdsa'), 'utf8'),
    'KNOWN-HOSTS': knownHosts, APP: app, 'APP-DIR': `/srv/bot-deploy-lab/${app}`, VERSION: version,
    IMAGE: '127.0.0.1:5000/sample/webhook-bot', 'COMPOSE-FILE': 'lab/samples/webhook-bot/compose.yml',
    ENV: `BOT_TOKEN=123456:bench\nHOST_PORT=${port}\n`, REGISTRY: '127.0.0.1:5000', 'REGISTRY-USERNAME': 'ci', 'REGISTRY-PASSWORD': 'lab-registry-secret',
  };
  const env = { PATH: process.env.PATH, GITHUB_WORKSPACE: root, GITHUB_OUTPUT: '/dev/null', GITHUB_STEP_SUMMARY: '/dev/null' };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const result = spawnSync(process.execPath, [join(root, 'dist/ssh-deploy/index.js')], { cwd: root, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ssh-deploy failed:\n${result.stdout}${result.stderr}`);
}

function baselineDeploy(app, version, port) {
  execFileSync('bash', [join(root, 'bench/baseline-deploy.sh'), app, `/srv/bot-deploy-lab/${app}`, version, String(port)], { stdio: 'ignore' });
}

function measure(deploy, app, version, port) {
  const before = accepted();
  const started = process.hrtime.bigint();
  deploy(app, version, port);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  // sshd writes its log line just after accepting; give it a moment to land.
  execFileSync('sleep', ['0.3']);
  return { ms, connections: accepted() - before };
}

const subjects = [
  ['ssh-deploy (one connection)', suiteDeploy, `bench-suite-${process.pid}`, 18501],
  ['one ssh/scp call per step', baselineDeploy, `bench-base-${process.pid}`, 18502],
];
const results = new Map(subjects.map(([name]) => [name, []]));
try {
  for (let i = 0; i < runs; i++) {
    const version = i % 2 === 0 ? 'v1' : 'v2';
    for (const [name, deploy, app, port] of subjects) results.get(name).push(measure(deploy, app, version, port));
  }
} finally {
  for (const [, , app] of subjects) {
    spawnSync('sh', ['-c', `docker ps -aq --filter label=com.docker.compose.project=${app} | xargs -r docker rm -f; docker network rm ${app}_default; rm -rf /srv/bot-deploy-lab/${app}`], { stdio: 'ignore' });
  }
}
printTable(
  `A deploy's SSH cost: recreate deploys alternating v1/v2 of the sample webhook bot (${runs} each, same run)`,
  ['approach', 'connections per deploy', 'median wall ms', 'min ms', 'max ms'],
  subjects.map(([name]) => {
    const r = results.get(name);
    const ms = r.map((x) => x.ms);
    return [name, [...new Set(r.map((x) => x.connections))].join('/'), median(ms).toFixed(0), Math.min(...ms).toFixed(0), Math.max(...ms).toFixed(0)];
  }),
);
