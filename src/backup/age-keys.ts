import { Encrypter, identityToRecipient } from 'age-encryption';
import { InputError } from '../inputs/input-error.js';

const RECIPIENT = /^age1[02-9ac-hj-np-z]{20,}$/;

/** Each `encrypt-recipients` key as age itself reads it (its checksum too), before anything connects. */
export function checkRecipients(recipients: string[]): void {
  const encrypter = new Encrypter();
  for (const recipient of recipients) {
    if (!RECIPIENT.test(recipient)) throw new InputError(`Input \`encrypt-recipients\` has "${recipient}", which is not an age public key (age1...).`);
    try {
      encrypter.addRecipient(recipient);
    } catch (error) {
      throw new InputError(`Input \`encrypt-recipients\` has "${recipient}", which age does not read as a public key (${error instanceof Error ? error.message : String(error)}).`);
    }
  }
}

/** The public key of `decrypt-identity`, so a malformed identity fails before a database is touched. */
export async function recipientOf(identity: string): Promise<string> {
  try {
    return await identityToRecipient(identity);
  } catch (error) {
    throw new InputError(`Input \`decrypt-identity\` is not an age identity age can read (${error instanceof Error ? error.message : String(error)}): give the whole AGE-SECRET-KEY-1... line.`);
  }
}
