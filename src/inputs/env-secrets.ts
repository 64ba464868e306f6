/**
 * The values of a dotenv file that are secret. Masking every value would star out `true`, `3000` or
 * `localhost` for the whole job, and on GitHub a masked value also blocks any job output containing
 * it; so we mask what names itself a secret, what a URL carries as its password, and what the user
 * lists.
 */
export function envSecrets(variables: Record<string, string>, extraKeys: string[]): string[] {
  const extra = new Set(extraKeys.map((key) => key.toLowerCase()));
  const secrets: string[] = [];
  for (const [key, value] of Object.entries(variables)) {
    if (extra.has(key.toLowerCase()) || namesSecret(key)) secrets.push(value);
    else secrets.push(...urlPasswords(value));
  }
  return secrets.filter((secret) => secret !== '');
}

/** Words that make a key a secret's name when they stand as a whole word of it (BOT_TOKEN, not TOKENIZER_MODE). */
const SECRET_WORDS = new Set([
  'token', 'tokens', 'secret', 'secrets', 'password', 'passwords', 'passwd', 'pass', 'pwd', 'passphrase',
  'key', 'keys', 'apikey', 'private', 'credential', 'credentials', 'auth', 'dsn', 'salt', 'cookie',
]);

/** `BOT_TOKEN`, `api-key`, `stripe.secret` and `sessionSecret` name secrets; `MODE` or `MONKEY_COUNT` do not. */
function namesSecret(key: string): boolean {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').split(/[^A-Za-z0-9]+/);
  return words.some((word) => SECRET_WORDS.has(word.toLowerCase()));
}

/**
 * `postgres://bot:pw@db/x` → `pw`, as written and decoded; nothing for a value that is no URL with a
 * password. Read from the raw text, since that is what would be printed (a URL parser re-encodes).
 */
function urlPasswords(value: string): string[] {
  const authority = /^\s*[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(value)?.[1] ?? '';
  const userinfo = authority.slice(0, Math.max(authority.lastIndexOf('@'), 0));
  const colon = userinfo.indexOf(':');
  const password = colon < 0 ? '' : userinfo.slice(colon + 1);
  if (password === '') return [];
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // A stray `%` is no escape: the password is as written.
  }
  return [...new Set([password, decoded])];
}
