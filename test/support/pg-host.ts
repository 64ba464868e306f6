import type { Readable } from 'node:stream';
import type { ComposeSource } from '../../src/backup/backup-config.js';
import type { PgTool } from '../../src/backup/pg-runner.js';
import { Journal } from '../../src/pipeline/cleanup-journal.js';
import type { PipelineEnv } from '../../src/pipeline/host-pipeline.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import type { FakePg } from './fake-pg.js';
import { testRun } from './scripted-context.js';
import { target } from './scripted-host.js';
import { ScriptedSession } from './scripted-session.js';

export const CONTAINER = 'c0ffee';

/** The compose source of app `shop`'s database service `db` on the scripted host web1. */
export const composeSource: ComposeSource = {
  kind: 'compose',
  target: target('web1'),
  appDir: '/opt/shop',
  project: 'shop',
  service: 'db',
  user: 'postgres',
  lockTimeoutMs: 1000,
  lockStaleMs: 120_000,
};

/**
 * The host web1 of a compose source: `docker ps` finds the one database container, and the client
 * tools `docker exec`'d in it are `pg`'s answers; everything else (the deploy lock) succeeds. So the
 * modes run as they do against a droplet, down to the command lines, without one.
 */
export function pgHost(pg: FakePg): ScriptedSession {
  return new ScriptedSession('web1')
    .on(/^docker ps /, { stdout: `${CONTAINER}\n` })
    .on(`docker exec -i ${CONTAINER} `, async (line, options) => {
      const [, , , , tool = '', ...rest] = shellWords(line);
      const io = { ...(options.stdin !== undefined ? { stdin: options.stdin as string | Readable } : {}), ...(options.stdout ? { stdout: options.stdout } : {}), ...(options.signal ? { signal: options.signal } : {}) };
      if (rest[0] === '--version') return { ...(await pg.version(tool as PgTool)), timedOut: false };
      if (rest[0] !== '-U' || rest[1] !== composeSource.user) throw new Error(`${tool} runs without -U ${composeSource.user}: ${line}`);
      return { ...(await pg.run(tool as PgTool, rest.slice(2), io)), timedOut: false };
    });
}

/** A run's environment whose one host is `session`; `connected` counts the connections. */
export function pgEnv(session: ScriptedSession, log = new RecordingLog()): PipelineEnv & { log: RecordingLog; connected: () => number } {
  let connections = 0;
  return {
    log,
    run: testRun,
    journal: new Journal(),
    connect: async () => {
      connections += 1;
      return session;
    },
    connected: () => connections,
  };
}

/** The words of a command line built by shell.ts's `command` (single quotes, '\'' for a quote). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let at = 0; at < line.length; at += 1) {
    const char = line[at] as string;
    if (char === ' ') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'") {
      const end = line.indexOf("'", at + 1);
      if (end < 0) throw new Error(`Unbalanced quote in ${line}`);
      word = (word ?? '') + line.slice(at + 1, end);
      at = end;
    } else if (char === '\\') {
      word = (word ?? '') + (line[at + 1] ?? '');
      at += 1;
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}
