import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A key pair made by OpenSSH's own ssh-keygen, so fixtures are exactly what users paste. */
export interface KeyPair {
  private: string;
  public: string;
}

export function sshKeygen(...args: string[]): KeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'ssh-key-'));
  try {
    execFileSync('ssh-keygen', ['-q', '-C', 'test', '-f', join(dir, 'key'), ...args]);
    return { private: readFileSync(join(dir, 'key'), 'utf8'), public: readFileSync(join(dir, 'key.pub'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The base64 key blob of an OpenSSH public key line. */
export function blobOf(publicKey: string): Buffer {
  return Buffer.from(publicKey.trim().split(/\s+/)[1] ?? '', 'base64');
}

/** Runs ssh-keygen on a known_hosts text (e.g. `-H` to hash it) and returns the resulting file. */
export function knownHostsThrough(text: string, ...args: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'known-hosts-'));
  try {
    execFileSync('sh', ['-c', 'cat > "$1" && ssh-keygen -q -f "$@" >/dev/null 2>&1', 'sh', join(dir, 'known_hosts'), ...args], { input: text });
    return readFileSync(join(dir, 'known_hosts'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
