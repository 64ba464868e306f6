import { createHmac } from 'node:crypto';
import { InputError } from '../inputs/input-error.js';
import { keyTypeOf } from './fingerprint.js';

/** One key line of a known_hosts file. */
export interface KnownHost {
  /** `@revoked` rejects the key it names; `@cert-authority` (host certificates) is not supported. */
  marker?: 'revoked' | 'cert-authority';
  /** The host field as written: a comma list of patterns, or a hashed `|1|salt|hash` name. */
  hosts: string;
  keyType: string;
  key: Buffer;
  /** 1-based, for messages. */
  line: number;
}

/** The known_hosts keys that concern one host. */
export interface HostKeys {
  trusted: KnownHost[];
  revoked: KnownHost[];
  certAuthorities: KnownHost[];
}

/**
 * Parses known_hosts text (lines may themselves hold several lines). Comments and blank lines are
 * skipped; anything else that is not a key line is an input error, because a mangled paste would
 * otherwise only surface later as a confusing "no key for this host".
 */
export function parseKnownHosts(lines: readonly string[], inputName: string): KnownHost[] {
  return lines
    .flatMap((text) => text.split(/\r?\n/))
    .map((text, index) => parseLine(text.trim(), index + 1, inputName))
    .filter((entry): entry is KnownHost => entry !== undefined);
}

function parseLine(text: string, line: number, inputName: string): KnownHost | undefined {
  if (text === '' || text.startsWith('#')) return undefined;
  const fields = text.split(/\s+/);
  let marker: KnownHost['marker'];
  if (fields[0]?.startsWith('@')) {
    const word = fields.shift();
    if (word !== '@revoked' && word !== '@cert-authority') {
      throw new InputError(`Line ${line} of \`${inputName}\` starts with the unknown marker ${word}: only @revoked and @cert-authority exist.`);
    }
    marker = word === '@revoked' ? 'revoked' : 'cert-authority';
  }
  const [hosts, keyType, base64] = fields;
  const key = base64 !== undefined && /^[A-Za-z0-9+/]+={0,2}$/.test(base64) ? Buffer.from(base64, 'base64') : undefined;
  if (hosts === undefined || keyType === undefined || key === undefined || keyTypeOf(key) !== keyType) {
    throw new InputError(
      `Line ${line} of \`${inputName}\` is not a known_hosts line (expected \`host key-type base64-key\`, as \`ssh-keyscan\` prints).`,
    );
  }
  return { ...(marker ? { marker } : {}), hosts, keyType, key, line };
}

/** The name known_hosts files use for a host: the bare name on port 22, `[name]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

export function keysForHost(entries: readonly KnownHost[], host: string, port: number): HostKeys {
  const name = knownHostsName(host, port);
  const mine = entries.filter((entry) => hostFieldMatches(entry.hosts, name));
  return {
    trusted: mine.filter((entry) => entry.marker === undefined),
    revoked: mine.filter((entry) => entry.marker === 'revoked'),
    certAuthorities: mine.filter((entry) => entry.marker === 'cert-authority'),
  };
}

/** OpenSSH semantics: any matching pattern admits the host unless a matching `!pattern` excludes it. */
function hostFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) return hashedNameMatches(hosts, name);
  let matched = false;
  for (const pattern of hosts.split(',')) {
    const negated = pattern.startsWith('!');
    if (!globMatches(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** `|1|salt|hash` where hash = HMAC-SHA1(salt, name): what `HashKnownHosts yes` writes. */
function hashedNameMatches(field: string, name: string): boolean {
  const [, , salt, hash] = field.split('|');
  if (salt === undefined || hash === undefined) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

function globMatches(pattern: string, name: string): boolean {
  const source = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(name);
}
