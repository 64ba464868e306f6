/**
 * The runner masks a registered value only where it appears whole, so a secret is registered in the
 * parts it can show up as on its own: the whole value, each of its lines (a key or dotenv file is
 * printed line by line), and each long word of it (`Bearer <token>` leaks the token alone).
 */
export function secretParts(secret: string): string[] {
  const parts = new Set<string>();
  const add = (part: string): void => {
    if (part.trim().length >= MIN_PART && !PEM_ARMOR.test(part.trim())) parts.add(part);
  };
  add(secret);
  for (const line of secret.split(/\r?\n/).map((text) => text.trim())) {
    if (PEM_ARMOR.test(line)) continue;
    add(line);
    for (const word of line.split(/\s+/)) if (word.length >= MIN_WORD) add(word);
  }
  return [...parts];
}

/** A shorter part (`1`, `yes`, `dev`) would star out every occurrence in the log and protects nothing. */
const MIN_PART = 4;
/** Words shorter than this are ordinary words of a passphrase-like value, not secrets of their own. */
const MIN_WORD = 8;
/** `-----BEGIN OPENSSH PRIVATE KEY-----` is in every key and in the docs; it is no secret. */
const PEM_ARMOR = /^-----(BEGIN|END) [A-Z0-9 ]+-----$/;
