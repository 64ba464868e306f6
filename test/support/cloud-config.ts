import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The part of a cloud-init user entry the sandbox knows how to apply. */
export interface CloudUser {
  name: string;
  shell?: string;
  groups?: string[];
  lock_passwd?: boolean;
  ssh_authorized_keys?: string[];
}

/** A `write_files` entry: cloud-init's defaults are mode 0644 and owner root:root. */
export interface CloudFile {
  path: string;
  content: string;
  permissions?: string;
  owner?: string;
}

export interface CloudConfig {
  ssh_pwauth?: boolean;
  users: CloudUser[];
  package_update?: boolean;
  package_upgrade?: boolean;
  packages: string[];
  write_files: CloudFile[];
  /** One sh script, a line per entry (cloud-init's runcmd with string entries). */
  runcmd: string[];
}

/**
 * Every key the sandbox applies or checks. A key outside these lists makes reading fail, so a
 * setting added to the file later cannot pass the test untested.
 */
const KEYS = {
  top: ['ssh_pwauth', 'users', 'package_update', 'package_upgrade', 'packages', 'write_files', 'runcmd'],
  user: ['name', 'shell', 'groups', 'lock_passwd', 'ssh_authorized_keys'],
  file: ['path', 'content', 'permissions', 'owner'],
} as const;

/** Reads a `#cloud-config` file, refusing what the sandbox could not apply faithfully. */
export function readCloudConfig(path: string): CloudConfig {
  const text = readFileSync(path, 'utf8');
  if (!text.startsWith('#cloud-config\n')) throw new Error(`${path} does not start with "#cloud-config": cloud-init would not read it as cloud-config`);
  const doc: unknown = parse(text);
  const top = record(doc, 'the file');
  onlyKeys(top, KEYS.top, 'the file');
  const users = list(top.users ?? [], 'users').map((entry, i) => readUser(record(entry, `users[${i}]`), i));
  const files = list(top.write_files ?? [], 'write_files').map((entry, i) => readFile(record(entry, `write_files[${i}]`), i));
  return {
    ...optionalBool(top, 'ssh_pwauth'),
    ...optionalBool(top, 'package_update'),
    ...optionalBool(top, 'package_upgrade'),
    users,
    packages: strings(top.packages ?? [], 'packages'),
    write_files: files,
    runcmd: strings(top.runcmd ?? [], 'runcmd'),
  };
}

/**
 * The documented substitutions that let a droplet's file run on a machine shared with the lab:
 * the user name (whole word only, so `bot-deploy` stays), path prefixes (longest first, at the
 * start of a path only) and the deploy key placeholder. Everything else stays as written.
 */
export interface Substitutions {
  user: { from: string; to: string };
  paths: Record<string, string>;
  key: { placeholder: string; to: string };
}

export function substitute(config: CloudConfig, subs: Substitutions): CloudConfig {
  const prefixes = Object.keys(subs.paths).sort((a, b) => b.length - a.length);
  const pathPattern = new RegExp(`(?<![\\w./-])(${prefixes.map(escapeRegExp).join('|')})(?![\\w.-])`, 'g');
  const userPattern = new RegExp(`(?<![\\w./-])${escapeRegExp(subs.user.from)}(?![\\w.-])`, 'g');
  const text = (value: string): string =>
    value.replace(pathPattern, (prefix) => subs.paths[prefix] ?? prefix).replace(userPattern, subs.user.to);
  return {
    ...config,
    users: config.users.map((user) => ({
      ...user,
      name: text(user.name),
      ...(user.ssh_authorized_keys
        ? { ssh_authorized_keys: user.ssh_authorized_keys.map((key) => (key.includes(subs.key.placeholder) ? subs.key.to : key)) }
        : {}),
    })),
    write_files: config.write_files.map((file) => ({
      ...file,
      path: text(file.path),
      content: text(file.content),
      ...(file.owner ? { owner: text(file.owner) } : {}),
    })),
    runcmd: config.runcmd.map(text),
  };
}

function readUser(entry: Record<string, unknown>, i: number): CloudUser {
  const where = `users[${i}]`;
  onlyKeys(entry, KEYS.user, where);
  if (typeof entry.name !== 'string') throw new Error(`${where} has no name (a "default" entry is not applied by the sandbox)`);
  return {
    name: entry.name,
    ...(entry.shell === undefined ? {} : { shell: str(entry.shell, `${where}.shell`) }),
    ...(entry.groups === undefined ? {} : { groups: strings(entry.groups, `${where}.groups`) }),
    ...optionalBool(entry, 'lock_passwd'),
    ...(entry.ssh_authorized_keys === undefined ? {} : { ssh_authorized_keys: strings(entry.ssh_authorized_keys, `${where}.ssh_authorized_keys`) }),
  };
}

function readFile(entry: Record<string, unknown>, i: number): CloudFile {
  const where = `write_files[${i}]`;
  onlyKeys(entry, KEYS.file, where);
  return {
    path: str(entry.path, `${where}.path`),
    content: str(entry.content, `${where}.content`),
    ...(entry.permissions === undefined ? {} : { permissions: str(entry.permissions, `${where}.permissions`) }),
    ...(entry.owner === undefined ? {} : { owner: str(entry.owner, `${where}.owner`) }),
  };
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where} is not a mapping`);
  return value as Record<string, unknown>;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where} is not a list`);
  return value;
}

function strings(value: unknown, where: string): string[] {
  return list(value, where).map((item, i) => str(item, `${where}[${i}]`));
}

function str(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new Error(`${where} is not a string`);
  return value;
}

function optionalBool<K extends string>(entry: Record<string, unknown>, key: K): Partial<Record<K, boolean>> {
  const value = entry[key];
  if (value === undefined) return {};
  if (typeof value !== 'boolean') throw new Error(`${key} is not true or false`);
  return { [key]: value } as Partial<Record<K, boolean>>;
}

function onlyKeys(entry: Record<string, unknown>, known: readonly string[], where: string): void {
  const unknown = Object.keys(entry).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new Error(`${where} has keys the sandbox does not apply: ${unknown.join(', ')}`);
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
