import { PassThrough, Writable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UserError } from '../../errors/user-error.js';
import { pgReason } from '../pg-reason.js';
import type { ObjectStore } from '../backup-store.js';
import type { BackupManifest } from '../manifest.js';
import type { PgRunner, PgTool } from '../pg-runner.js';
import { decryptWith } from '../streams/age-stages.js';
import { decompressor } from '../streams/compression.js';
import { Digest } from '../streams/digest.js';

/** A client tool that reads the dump on stdin (pg_restore, psql); none means the bytes are only checked. */
export interface DumpReader {
  tool: PgTool;
  args: string[];
  /** What the tool does with the dump, as the subject of its failure ("Restoring into db_restore_1a2b"). */
  what: string;
}

/**
 * Streams a stored dump back out of the store, through the checks a trustworthy restore needs: the
 * object's SHA-256 against the manifest, age's authentication of every chunk, the compression
 * frame's own checksum, and the dump's size; then into `reader`. The object's checks fail before
 * the reader sees the end of its input; the size is checked once the reader has had it all (a
 * restore checked that way goes into a fresh database, dropped when anything fails).
 */
export async function readBack(pg: PgRunner, store: ObjectStore, manifest: BackupManifest, identity: string | undefined, reader?: DumpReader): Promise<void> {
  requireIdentity(manifest, identity);
  const stop = new AbortController();
  const object = await store.read(manifest.key, stop.signal);
  const stored = new Digest({ sha256: manifest.sha256, onMismatch: (actual) => new UserError(`${manifest.key} does not match its manifest (SHA-256 ${actual}, expected ${manifest.sha256}): the object is damaged; nothing was restored from it.`) });
  const dump = new Digest();
  const stages: Duplex[] = [stored, ...(manifest.encryptRecipients.length > 0 && identity !== undefined ? [decryptWith(identity, manifest.key)] : []), decompressor(manifest.compression), dump];
  const feed = reader ? new PassThrough() : discard();
  const flow = pipeline([object, ...stages, feed]).catch((error: unknown) => {
    throw stageFailure(error, manifest.key);
  });
  const run = reader
    ? pg.run(reader.tool, reader.args, { stdin: feed as PassThrough, signal: stop.signal }).then((result) => {
        if (result.code !== 0) {
          const failure = new UserError(`${reader.what} failed (${pg.where}) with exit code ${result.code}: ${pgReason(result.stderr, 'no output')}.`);
          feed.destroy(failure);
          throw failure;
        }
        // The tool may stop reading before the stream's last bytes (a checksum trailer): the checks still need them.
        (feed as PassThrough).resume();
      })
    : Promise.resolve();
  try {
    await Promise.all([flow, run]);
  } catch (error) {
    stop.abort();
    await Promise.allSettled([flow, run]);
    throw error;
  }
  if (dump.bytes !== manifest.dumpBytes) {
    throw new UserError(`${manifest.key} holds a ${dump.bytes}-byte dump, but its manifest says ${manifest.dumpBytes}: the object is damaged.`);
  }
}

/** An encrypted backup cannot be read back without its identity: said before anything is read or created. */
export function requireIdentity(manifest: BackupManifest, identity: string | undefined): void {
  if (manifest.encryptRecipients.length > 0 && identity === undefined) {
    throw new UserError(`${manifest.key} is encrypted (age): give its identity as the secret input \`decrypt-identity\`.`);
  }
}

function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}

/** A damaged object usually shows as a compression error; say what that means for the user. */
function stageFailure(error: unknown, key: string): Error {
  if (error instanceof UserError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UserError(`${key} could not be read back (${message}): the object is damaged or not a dump of this suite.`);
}
