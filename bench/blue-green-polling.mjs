// Long-polling bots while messages arrive every 50 ms, side by side in one run: the usual script's
// `docker compose up -d`, ssh-deploy stop-first, blue-green-switch in polling mode, and two broken
// releases (a crash loop, one that never polls) handed over and rolled back. The lab's grammY bot
// polls a Telegram Bot API stand-in, whose records give per scenario: 409 conflicts, messages never
// answered or answered twice, the longest time nobody polled, and for the broken releases how soon
// the old bot polled again after the failure.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
// Node 24 strips the types of these test helpers; they import nothing but types and node modules.
import { runDistAction } from '../test/support/action-runner.ts';
import { TelegramStandIn } from '../test/support/telegram-bot-api.ts';
import { median, printTable } from './table.mjs';

const root = new URL('..', import.meta.url).pathname;
const lab = join(root, '.lab');
const appRoot = '/srv/bot-deploy-lab';
const injectEveryMs = 50;
const leadMs = 1000;
const tailMs = 5000;
const drainTimeoutMs = 60_000;
// Handovers per working scenario (a-c), alternating v2 and v1; each broken release is handed over once.
const handovers = Number(process.env.BENCH_RUNS ?? 3);
const ssh = {
  host: '127.0.0.1',
  port: '2222',
  user: 'deploy',
  'private-key': readFileSync(join(lab, 'keys/id_ed25519'), 'utf8'),
  'known-hosts': `[127.0.0.1]:2222 ${readFileSync(join(lab, 'sshd/ssh_host_ed25519_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ')}`,
};
const sample = {
  image: '127.0.0.1:5000/sample/grammy-bot',
  'compose-file': 'lab/samples/grammy-bot/compose.yml',
  registry: '127.0.0.1:5000',
  'registry-username': 'ci',
  'registry-password': 'lab-registry-secret',
};

const standIn = new TelegramStandIn();
// Containers reach the host's stand-in as `telegram` (host-gateway, the docker bridge); the actions use loopback.
await standIn.listen(['127.0.0.1', '172.17.0.1']);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One app with its own bot token, so the stand-in's records are the scenario's alone. */
async function bench(tag, n) {
  const app = `bench-poll-${tag}-${process.pid}`;
  const token = `${770_000 + n}:AAE-bench-${tag}`;
  standIn.addBot(token);
  const env = (overrides = {}) =>
    Object.entries({ BOT_TOKEN: token, BOT_MODE: 'polling', TELEGRAM_API_ROOT: `http://telegram:${standIn.port}`, POSTGRES_PASSWORD: 'bench-db-pass', ...overrides })
      .map(([key, value]) => `${key}=${value}\n`)
      .join('');
  const ports = { host: await freePort(), blue: await freePort(), green: await freePort() };
  const deploy = (version, inputs) => runDistAction('ssh-deploy', { ...ssh, ...sample, app, 'app-dir': `${appRoot}/${app}`, version, env: env({ HOST_PORT: ports.host }), ...inputs });
  const stage = (version, overrides) => runDistAction('ssh-deploy', { ...ssh, ...sample, app, 'app-dir': `${appRoot}/${app}`, version, strategy: 'none', env: env(overrides) });
  const switchTo = (version, onLine) =>
    runDistAction(
      'blue-green-switch',
      {
        ...ssh, app, 'app-dir': `${appRoot}/${app}`, version, service: 'bot', mode: 'polling',
        'blue-port': String(ports.blue), 'green-port': String(ports.green),
        'telegram-token': token, 'telegram-api-root': standIn.apiRoot(),
        interval: '500ms', 'success-threshold': '3', deadline: '30s',
      },
      { onLine },
    );
  return { app, token, deploy, stage, switchTo };
}

const must = async (promise, what) => {
  const run = await promise;
  if (run.code !== 0) throw new Error(`${what} failed:\n${run.log}`);
  return run;
};

/** Waits until the bot answers one message, so a scenario starts from a bot that polls. */
async function answering(token) {
  const text = `ready-${Date.now()}`;
  standIn.inject(token, text);
  const until = Date.now() + 60_000;
  while (!standIn.answers(token).some((answer) => answer.text.endsWith(`: ${text}`))) {
    if (Date.now() > until) throw new Error('The bot did not answer within 60 s of its deploy.');
    await sleep(100);
  }
}

/**
 * Injects a message every 50 ms from `leadMs` before `change` to `tailMs` after it, then waits
 * until every message is answered or the queue is empty and nothing new is answered for 2 s.
 * `change` resolves with { runs: [{ what, durationMs }] }, and for a broken release { failedAt, verdictAt, failure }.
 */
async function underTraffic(token, tag, change) {
  const texts = [];
  const started = Date.now();
  const ticker = setInterval(() => {
    const text = `${tag}-${texts.length}`;
    texts.push(text);
    standIn.inject(token, text);
  }, injectEveryMs);
  await sleep(leadMs);
  const changeFrom = Date.now();
  const result = await change();
  const changeTo = Date.now();
  await sleep(tailMs);
  clearInterval(ticker);
  const trafficTo = Date.now();

  const answeredTimes = () => {
    const count = new Map();
    for (const answer of standIn.answers(token)) {
      const text = answer.text.slice(answer.text.indexOf(': ') + 2);
      count.set(text, (count.get(text) ?? 0) + 1);
    }
    return count;
  };
  const drainUntil = Date.now() + drainTimeoutMs;
  let quietSince = Date.now();
  let answeredSoFar = standIn.answers(token).length;
  for (;;) {
    const count = answeredTimes();
    if (texts.every((text) => count.has(text)) || Date.now() > drainUntil) break;
    if (standIn.answers(token).length !== answeredSoFar) {
      answeredSoFar = standIn.answers(token).length;
      quietSince = Date.now();
    }
    if (standIn.pending(token).length === 0 && Date.now() - quietSince > 2000) break;
    await sleep(100);
  }

  const count = answeredTimes();
  const polls = standIn
    .delivered(token)
    .filter((delivery) => delivery.via === 'getUpdates' && !delivery.clientGone && delivery.at >= started)
    .map((delivery) => delivery.at);
  return {
    injected: texts.length,
    // A poll its bot gave up on still waits at Telegram, and the next waiting call ends it with a 409
    // nobody reads: grammY's stop() aborts its long poll and confirms with a getUpdates at the same
    // offset, which Telegram holds (a repeated offset) so it ends the aborted one. Counted apart when
    // the abort reached the stand-in first; a 409 that overtakes the abort counts as one to a live call.
    conflicts: standIn.refused(token).filter((refusal) => refusal.at >= started && !refusal.clientGone).length,
    unseenConflicts: standIn.refused(token).filter((refusal) => refusal.at >= started && refusal.clientGone).length,
    lost: texts.filter((text) => !count.has(text)).length,
    twice: texts.filter((text) => (count.get(text) ?? 0) > 1).length,
    gapMs: longestSilence(standIn.gaps(token), polls, changeFrom, trafficTo),
    runs: result.runs,
    repoll:
      result.failedAt === undefined
        ? undefined
        : { afterFailureMs: nextPoll(token, polls, result.failedAt) - result.failedAt, afterVerdictMs: nextPoll(token, polls, result.verdictAt) - result.verdictAt, failure: result.failure },
    changeMs: changeTo - changeFrom,
  };
}

/**
 * The longest time within [from, to] nobody polled. The stand-in's gaps are times nobody waited in
 * getUpdates; a poller working through a backlog never waits (each call is answered at once), so a
 * getUpdates that handed out updates also counts as polling and splits a gap.
 */
function longestSilence(gaps, polls, from, to) {
  let longest = 0;
  for (const gap of gaps) {
    const start = Math.max(gap.from, from);
    const end = Math.min(gap.to ?? Date.now(), to);
    if (end <= start) continue;
    let previous = start;
    for (const at of polls.filter((poll) => poll > start && poll < end)) {
      longest = Math.max(longest, at - previous);
      previous = at;
    }
    longest = Math.max(longest, end - previous);
  }
  return longest;
}

/** When the first poller after `after` showed up: a getUpdates that handed out updates, or one that waited. */
function nextPoll(token, polls, after) {
  const waited = standIn.gaps(token).map((gap) => gap.to).filter((to) => to !== null && to > after);
  return Math.min(...polls.filter((at) => at > after), ...waited);
}

/** The first time the bot container of `project` exited (docker's own clock, ms). */
function firstExit(project) {
  const events = spawn(
    'docker',
    ['events', '--filter', 'type=container', '--filter', 'event=die', '--filter', `label=com.docker.compose.project=${project}`, '--filter', 'label=com.docker.compose.service=bot', '--format', '{{.TimeNano}}'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let first;
  events.stdout.on('data', (chunk) => (first ??= Math.round(Number(String(chunk).split('\n')[0]) / 1e6)));
  return { at: () => first, stop: () => events.kill() };
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const sum = (results, key) => results.reduce((total, r) => total + r[key], 0);
const apps = [];
const rows = [];
/** One row from a scenario's handovers: counts summed, times as the median (and the worst when more than one). */
function row(name, results) {
  const spread = (values, format) => (values.length === 1 ? format(values[0]) : `${format(median(values))} (max ${format(Math.max(...values))})`);
  const steps = results[0].runs.map((run, i) => `${run.what} ${seconds(median(results.map((r) => r.runs[i].durationMs)))}`);
  const { repoll } = results[0];
  rows.push([
    name,
    results.length,
    sum(results, 'injected'),
    `${sum(results, 'conflicts')} (+${sum(results, 'unseenConflicts')})`,
    sum(results, 'lost'),
    sum(results, 'twice'),
    spread(results.map((r) => r.gapMs), String),
    `${seconds(median(results.map((r) => r.changeMs)))}${steps.length > 1 ? ` (${steps.join(' + ')})` : ''}`,
    repoll === undefined
      ? '—'
      : repoll.failure === 'the verdict'
        ? `${seconds(repoll.afterVerdictMs)} after the verdict`
        : `${seconds(repoll.afterFailureMs)} after ${repoll.failure} (${seconds(repoll.afterVerdictMs)} after the verdict)`,
  ]);
}
const timed = (what, run) => ({ what, durationMs: run.durationMs });
/** `handovers` changes under traffic, alternating v2 and v1. */
async function repeated(token, tag, change) {
  const results = [];
  for (let i = 0; i < handovers; i++) results.push(await underTraffic(token, `${tag}${i}`, () => change(i % 2 === 0 ? 'v2' : 'v1')));
  return results;
}

try {
  // (a) the usual script: `docker compose up -d` recreates the bot in place (ssh-deploy recreate runs exactly that).
  {
    const s = await bench('up', 1);
    apps.push(s.app);
    await must(s.deploy('v1'), 'ssh-deploy v1');
    await answering(s.token);
    row('(a) docker compose up -d', await repeated(s.token, 'a', async (version) => ({ runs: [timed('deploy', await must(s.deploy(version), `ssh-deploy ${version}`))] })));
  }
  // (b) ssh-deploy stop-first: the old bot is stopped, then `up -d`.
  {
    const s = await bench('sf', 2);
    apps.push(s.app);
    const stopFirst = { strategy: 'stop-first', service: 'bot' };
    await must(s.deploy('v1', stopFirst), 'ssh-deploy v1');
    await answering(s.token);
    row('(b) ssh-deploy stop-first', await repeated(s.token, 'b', async (version) => ({ runs: [timed('deploy', await must(s.deploy(version, stopFirst), `ssh-deploy ${version}`))] })));
  }
  // (c) blue-green-switch, polling: the release staged, then handed over.
  {
    const s = await bench('bg', 3);
    apps.push(s.app);
    await must(s.stage('v1'), 'stage v1');
    await must(s.switchTo('v1'), 'switch v1');
    await answering(s.token);
    row(
      '(c) blue-green-switch, polling',
      await repeated(s.token, 'c', async (version) => {
        const staged = await must(s.stage(version), `stage ${version}`);
        return { runs: [timed('stage', staged), timed('switch', await must(s.switchTo(version), `switch ${version}`))] };
      }),
    );
  }
  // (d) broken releases of v2, handed over and rolled back to v1.
  const broken = [
    // grammY exits 1 on the 401 its getMe gets for a token Telegram does not know; `restart: unless-stopped` loops it.
    { tag: 'crash', n: 4, name: '(d) crash loop (unknown token), rolled back', env: { BOT_TOKEN: '775000:AAE-unknown' }, crashes: true },
    // In webhook mode the sample serves HTTP and never calls getUpdates (nor setWebhook): it runs, and polls nothing.
    { tag: 'nopoll', n: 5, name: '(d) never polls (webhook mode), rolled back', env: { BOT_MODE: 'webhook' }, crashes: false },
  ];
  for (const release of broken) {
    const s = await bench(release.tag, release.n);
    apps.push(s.app);
    await must(s.stage('v1'), 'stage v1');
    const first = await must(s.switchTo('v1'), 'switch v1');
    await answering(s.token);
    const next = `${s.app}-${first.outputs['active-color'] === 'blue' ? 'green' : 'blue'}`;
    row(release.name, [
      await underTraffic(s.token, release.tag, async () => {
        const staged = await must(s.stage('v2', release.env), 'stage v2');
        const exits = firstExit(next);
        // The gate's verdict: the switch stops the new bot right after it (compose prints the stop).
        let verdictAt;
        const stopping = new RegExp(`Container ${next}-bot-1\\s+Stopping`);
        const run = await s.switchTo('v2', (line) => {
          if (verdictAt === undefined && stopping.test(line)) verdictAt = Date.now();
        });
        exits.stop();
        if (run.code === 0 || run.outputs['rolled-back'] !== 'true') throw new Error(`The broken release was not rolled back:\n${run.log}`);
        if (verdictAt === undefined) throw new Error(`The switch log does not show the broken release stopping:\n${run.log}`);
        const crashedAt = release.crashes ? exits.at() : undefined;
        if (release.crashes && crashedAt === undefined) throw new Error(`Docker reported no exit of the crashing release:\n${run.log}`);
        return { runs: [timed('stage', staged), timed('switch', run)], failedAt: crashedAt ?? verdictAt, verdictAt, failure: release.crashes ? 'the first crash' : 'the verdict' };
      }),
    ]);
  }
} finally {
  for (const app of apps) {
    const projects = [app, `${app}-blue`, `${app}-green`];
    const label = (project) => `--filter label=com.docker.compose.project=${project}`;
    // Containers first: the colors' bots hold the shared project's network. Each color has its own (empty) volumes too.
    for (const project of projects) spawnSync('sh', ['-c', `docker ps -aq ${label(project)} | xargs -r docker rm -f`], { stdio: 'ignore' });
    for (const project of projects) {
      spawnSync('sh', ['-c', `docker network ls -q ${label(project)} | xargs -r docker network rm; docker volume ls -q ${label(project)} | xargs -r docker volume rm`], { stdio: 'ignore' });
    }
    spawnSync('rm', ['-rf', `${appRoot}/${app}`]);
  }
  await standIn.close();
}
printTable(
  `Long-polling grammY bot, a message injected every ${injectEveryMs} ms from ${leadMs / 1000} s before the change to ${tailMs / 1000} s after it (Telegram stand-in; same lab, same run)`,
  ['scenario', 'handovers', 'messages', '409s (+ to an aborted call)', 'lost', 'answered twice', 'longest gap ms (median, max)', 'wall time (median)', 'old bot polls again'],
  rows,
);
