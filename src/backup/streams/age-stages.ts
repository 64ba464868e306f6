import { Decrypter, Encrypter } from 'age-encryption';
import { Duplex } from 'node:stream';
import { UserError } from '../../errors/user-error.js';

/** Encrypts a stream to every age recipient (`age1...`), in age's 64 KiB authenticated chunks. */
export function encryptTo(recipients: string[]): Duplex {
  const encrypter = new Encrypter();
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  return Duplex.from(async function* (source: AsyncIterable<Uint8Array>) {
    yield* asBuffers(await encrypter.encrypt(ReadableStream.from(source)));
  });
}

/**
 * Decrypts with the identity (`AGE-SECRET-KEY-1...`). Every chunk is authenticated, and a missing
 * last chunk is detected, so a truncated or altered object fails here.
 */
export function decryptWith(identity: string, key: string): Duplex {
  const decrypter = new Decrypter();
  decrypter.addIdentity(identity);
  return Duplex.from(async function* (source: AsyncIterable<Uint8Array>) {
    let plaintext: ReadableStream<Uint8Array>;
    try {
      plaintext = await decrypter.decrypt(ReadableStream.from(source));
    } catch (error) {
      throw new UserError(`Could not decrypt ${key} with \`decrypt-identity\` (${error instanceof Error ? error.message : String(error)}): give the identity whose public key is among the backup's encrypt-recipients.`);
    }
    try {
      yield* asBuffers(plaintext);
    } catch (error) {
      throw new UserError(`${key} is damaged: age refused its ciphertext (${error instanceof Error ? error.message : String(error)}).`);
    }
  });
}

async function* asBuffers(stream: ReadableStream<Uint8Array>): AsyncGenerator<Buffer> {
  for await (const chunk of stream) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
