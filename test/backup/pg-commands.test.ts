import {
  CLOSE_DATABASE_SCRIPT,
  CREATE_DATABASE_LIKE_SCRIPT,
  CREATE_DATABASE_SCRIPT,
  DATABASE_PROPERTIES_QUERY,
  DROP_DATABASE_SCRIPT,
  dumpArgs,
  END_SNAPSHOT_SCRIPT,
  OPEN_DATABASE_SCRIPT,
  psqlArgs,
  RENAME_DATABASE_SCRIPT,
  restoreCommand,
  SCRATCH_DATABASES_QUERY,
  SNAPSHOT_SCRIPT,
  SWAP_DATABASES_SCRIPT,
} from '../../src/backup/pg-commands.js';
import { openSnapshot } from '../../src/backup/snapshot.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import { dropDatabase, replaceDatabase, restoreIntoNewDatabase } from '../../src/backup/steps/restore-into.js';
import { databaseOf, FakePg, variablesOf } from '../support/fake-pg.js';
import { MemoryStore } from '../support/memory-store.js';
import { fakeDump, storeDump } from '../support/stored-dump.js';

/** A name that would be SQL if it were pasted into a script. */
const hostile = 'bot"; DROP DATABASE prod; --';

/** The psql variables a script uses (:"name" or :'name'). */
const variablesUsed = (script: string): string[] => [...new Set([...script.matchAll(/:["'](\w+)["']/g)].map((match) => match[1] ?? ''))].sort();

/** Every fixed script the restore steps run. */
const scripts = [
  CREATE_DATABASE_SCRIPT,
  CREATE_DATABASE_LIKE_SCRIPT,
  DATABASE_PROPERTIES_QUERY,
  DROP_DATABASE_SCRIPT,
  RENAME_DATABASE_SCRIPT,
  SWAP_DATABASES_SCRIPT,
  CLOSE_DATABASE_SCRIPT,
  OPEN_DATABASE_SCRIPT,
];

describe('pg commands', () => {
  test('psql reads a script: no psqlrc, tuples only, stop at the first error, names as variables', () => {
    expect(psqlArgs('postgres', { name: hostile })).toEqual(['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-v', `name=${hostile}`, '-d', 'postgres']);
    expect(psqlArgs('bot')).toEqual(['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', 'bot']);
  });

  test('pg_dump reads the exported snapshot; a custom archive is left uncompressed for the stream to compress', () => {
    expect(dumpArgs('custom', 'bot', '00000003-1')).toEqual(['--snapshot=00000003-1', '-Fc', '-Z0', '-d', 'bot']);
    expect(dumpArgs('plain', 'bot', '00000003-1')).toEqual(['--snapshot=00000003-1', '-Fp', '-d', 'bot']);
  });

  test('a restore is one transaction that stops at the first error', () => {
    expect(restoreCommand('custom', 'fresh')).toEqual({ tool: 'pg_restore', args: ['--exit-on-error', '--single-transaction', '-d', 'fresh'] });
    expect(restoreCommand('plain', 'fresh')).toEqual({ tool: 'psql', args: ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-o', '/dev/null', '-d', 'fresh'] });
  });

  test('the snapshot script opens a read-only repeatable-read transaction that only COMMIT ends', () => {
    expect(SNAPSHOT_SCRIPT).toMatch(/^BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\nSELECT pg_export_snapshot\(\);\n/);
    expect(SNAPSHOT_SCRIPT).not.toMatch(/COMMIT|ROLLBACK|END;/);
    expect(END_SNAPSHOT_SCRIPT).toBe('COMMIT;\n');
  });

  test('names reach SQL only as psql variables, each script using exactly the variables it is given', async () => {
    const pg = new FakePg();
    const store = new MemoryStore();
    const manifest = await storeDump(store, 'backups/shop/bot/20261130T232746Z-v1.dump.zst', fakeDump(4));

    await restoreIntoNewDatabase(pg, store, manifest, undefined, hostile, hostile);
    await dropDatabase(pg, hostile);
    await replaceDatabase(pg, hostile, `${hostile}2`, false, new RecordingLog());
    const snapshot = await openSnapshot(pg, hostile);
    await snapshot.close();

    for (const call of pg.callsOf('psql')) {
      expect(call.stdin.toString()).not.toContain(hostile);
      if (call.script !== undefined) {
        expect(scripts).toContain(call.script);
        const given = Object.keys(variablesOf(call.args)).filter((name) => name !== 'ON_ERROR_STOP').sort();
        expect(variablesUsed(call.script)).toEqual(given);
      }
    }
    expect(pg.scriptsRun.map(({ variables }) => variables)).toEqual([
      { ON_ERROR_STOP: '1', name: hostile },
      { ON_ERROR_STOP: '1', name: hostile },
      { ON_ERROR_STOP: '1', name: hostile },
      { ON_ERROR_STOP: '1', fresh: `${hostile}2`, target: hostile },
    ]);
    // The database itself is an argument of its own.
    expect(pg.calls.filter((call) => call.tool !== 'psql' || call.script === undefined).map((call) => databaseOf(call.args))).toEqual([hostile, hostile]);
  });

  test('the scripts quote names as identifiers and values as literals, never pasting them', () => {
    for (const script of [CREATE_DATABASE_SCRIPT, DROP_DATABASE_SCRIPT, RENAME_DATABASE_SCRIPT, SWAP_DATABASES_SCRIPT, OPEN_DATABASE_SCRIPT]) {
      expect(script).not.toMatch(/:'\w+'/);
      expect(script).not.toMatch(/:\w/);
    }
    // Names compared as values (WHERE datname = ...) are literals; settings of CREATE DATABASE too.
    for (const script of [DATABASE_PROPERTIES_QUERY, SCRATCH_DATABASES_QUERY, CLOSE_DATABASE_SCRIPT, CREATE_DATABASE_LIKE_SCRIPT]) expect(script).not.toMatch(/:\w/);
  });
});
