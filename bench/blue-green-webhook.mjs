// Webhook bots under constant load through nginx (wrk), side by side in one run: the usual script's
// `docker compose up -d` against blue-green-switch (switch, a broken release rejected, rollbacks warm
// and cold). Per scenario: requests, non-2xx, socket errors, p99 during the change vs steady, and
// how long the change took.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printTable } from './table.mjs';

const root = new URL('..', import.meta.url).pathname;
const lab = join(root, '.lab');
const nginxConf = join(lab, 'nginx/nginx.conf');
const seconds = Number(process.env.BENCH_SECONDS ?? 30);
const changeAfterMs = 3000;
const knownHosts = `[127.0.0.1]:2222 ${readFileSync(join(lab, 'sshd/ssh_host_ed25519_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ')}`;
const ssh = { HOST: '127.0.0.1', PORT: '2222', USER: 'deploy', 'PRIVATE-KEY': readFileSync(join(lab, 'keys/id_ed25519'), 'utf8'), 'KNOWN-HOSTS': knownHosts };
const sample = { IMAGE: '127.0.0.1:5000/sample/webhook-bot', 'COMPOSE-FILE': 'lab/samples/webhook-bot/compose.yml', REGISTRY: '127.0.0.1:5000', 'REGISTRY-USERNAME': 'ci', 'REGISTRY-PASSWORD': 'lab-registry-secret' };

/** Runs an action's bundle as the runner does; resolves with its exit code and wall time. */
function action(name, inputs) {
  const env = { PATH: process.env.PATH, GITHUB_WORKSPACE: root, GITHUB_OUTPUT: '/dev/null', GITHUB_STEP_SUMMARY: '/dev/null' };
  for (const [key, value] of Object.entries({ ...ssh, ...inputs })) env[`INPUT_${key.toUpperCase()}`] = value;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, `dist/${name}/index.js`)], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (chunk) => (log += chunk));
    child.stderr.on('data', (chunk) => (log += chunk));
    child.on('close', (code) => resolve({ code, ms: Date.now() - started, log }));
  });
}
const must = async (promise, what) => {
  const result = await promise;
  if (result.code !== 0) throw new Error(`${what} failed:\n${result.log}`);
  return result;
};

/** wrk for `seconds` against url, optionally running `change` after changeAfterMs; parses wrk's report. */
async function load(url, change) {
  const wrk = spawn('wrk', ['-t2', '-c16', `-d${seconds}s`, '--latency', url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  wrk.stdout.on('data', (chunk) => (out += chunk));
  const done = new Promise((resolve) => wrk.on('close', resolve));
  let changed;
  if (change) {
    await new Promise((resolve) => setTimeout(resolve, changeAfterMs));
    changed = await change();
  }
  await done;
  const unit = { us: 0.001, ms: 1, s: 1000 };
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    socketErrors: socket ? socket.slice(1).map(Number).reduce((a, b) => a + b, 0) : 0,
    p99: p99 ? Number(p99[1]) * unit[p99[2]] : NaN,
    changeMs: changed?.ms,
    changeOk: changed ? changed.code === 0 : undefined,
  };
}

const site = (app, port) => `server { listen 127.0.0.1:${port}; location / { proxy_pass http://${app}; proxy_http_version 1.1; proxy_set_header Connection ""; } }\n`;
const upstream = (app, port) => `upstream ${app} {\n  server 127.0.0.1:${port};\n  keepalive 16;\n}\n`;
const reloadNginx = () => execFileSync('nginx', ['-s', 'reload', '-c', nginxConf], { stdio: 'ignore' });

const id = process.pid;
const base = { app: `bench-up-${id}`, port: 18611, site: 18612 };
const bg = { app: `bench-bg-${id}`, blue: 18621, green: 18622, site: 18623 };
const files = [
  join(lab, `nginx/upstreams/${base.app}.conf`),
  join(lab, `nginx/sites/${base.app}.conf`),
  join(lab, `nginx/upstreams/${bg.app}.conf`),
  join(lab, `nginx/sites/${bg.app}.conf`),
];
const deployBase = (version) => action('ssh-deploy', { ...sample, APP: base.app, 'APP-DIR': `/srv/bot-deploy-lab/${base.app}`, VERSION: version, ENV: `BOT_TOKEN=123:bench\nHOST_PORT=${base.port}\n` });
const stage = (version) => action('ssh-deploy', { ...sample, APP: bg.app, 'APP-DIR': `/srv/bot-deploy-lab/${bg.app}`, VERSION: version, STRATEGY: 'none', ENV: 'BOT_TOKEN=123:bench\n' });
const switchTo = (inputs) =>
  action('blue-green-switch', {
    APP: bg.app, 'APP-DIR': `/srv/bot-deploy-lab/${bg.app}`, SERVICE: 'bot', 'BLUE-PORT': String(bg.blue), 'GREEN-PORT': String(bg.green),
    'NGINX-UPSTREAM-FILE': files[2], 'NGINX-TEST-COMMAND': `sudo -n /usr/sbin/nginx -t -c ${nginxConf}`,
    'NGINX-RELOAD-COMMAND': `sudo -n /usr/sbin/nginx -s reload -c ${nginxConf}`, 'NGINX-CHECK-URL': `http://127.0.0.1:${bg.site}/health`,
    INTERVAL: '300ms', 'SUCCESS-THRESHOLD': '2', 'DRAIN-TIMEOUT': '5s', ...inputs,
  });

const rows = [];
const row = (name, r, steady) =>
  rows.push([name, r.requests, r.non2xx, r.socketErrors, `${r.p99.toFixed(1)} / ${steady.p99.toFixed(1)}`, r.changeMs === undefined ? '—' : `${(r.changeMs / 1000).toFixed(2)} s${r.changeOk === false ? ' (failed, as expected)' : ''}`]);
try {
  // (a) the usual script: one project, `docker compose up -d` recreates the bot.
  await must(deployBase('v1'), 'ssh-deploy v1');
  writeFileSync(files[0], upstream(base.app, base.port));
  writeFileSync(files[1], site(base.app, base.site));
  reloadNginx();
  const baseSteady = await load(`http://127.0.0.1:${base.site}/health`);
  row('steady, one project (baseline)', baseSteady, baseSteady);
  row('(a) docker compose up -d (recreate)', await load(`http://127.0.0.1:${base.site}/health`, () => deployBase('v2')), baseSteady);

  // blue-green-switch on the same lab.
  await must(stage('v1'), 'stage v1');
  await must(switchTo({ VERSION: 'v1', 'NGINX-CHECK-URL': '' }), 'switch v1');
  writeFileSync(files[3], site(bg.app, bg.site));
  reloadNginx();
  for (const version of ['v2', 'broken']) await must(stage(version), `stage ${version}`);
  const bgUrl = `http://127.0.0.1:${bg.site}/health`;
  const steady = await load(bgUrl);
  row('steady, blue-green', steady, steady);
  row('(b) blue-green-switch to v2 (keep-warm)', await load(bgUrl, () => switchTo({ VERSION: 'v2', 'KEEP-WARM': 'true' })), steady);
  row('(d) manual rollback to v1, warm color', await load(bgUrl, () => switchTo({ ROLLBACK: 'true', 'KEEP-WARM': 'true' })), steady);
  // The broken release takes the idle color, where v2 was warm: the next rollback to v2 starts it cold.
  row('(c) broken release rejected', await load(bgUrl, () => switchTo({ VERSION: 'broken', DEADLINE: '5s' })), steady);
  row('(d) manual rollback to v2, cold color', await load(bgUrl, () => switchTo({ ROLLBACK: 'true', VERSION: 'v2' })), steady);
} finally {
  for (const file of files) rmSync(file, { force: true });
  spawnSync('nginx', ['-s', 'reload', '-c', nginxConf], { stdio: 'ignore' });
  for (const project of [base.app, bg.app, `${bg.app}-blue`, `${bg.app}-green`]) {
    spawnSync('sh', ['-c', `docker ps -aq --filter label=com.docker.compose.project=${project} | xargs -r docker rm -f; docker network rm ${project}_default`], { stdio: 'ignore' });
  }
  spawnSync('rm', ['-rf', `/srv/bot-deploy-lab/${base.app}`, `/srv/bot-deploy-lab/${bg.app}`]);
}
printTable(
  `Webhook bot under constant load through nginx (wrk -t2 -c16, ${seconds} s per scenario, change at ${changeAfterMs / 1000} s; same lab, same run)`,
  ['scenario', 'requests', 'non-2xx', 'socket errors', 'p99 ms (change / steady)', 'change took'],
  rows,
);
