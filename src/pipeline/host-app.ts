import type { DeployState } from './deploy-state.js';

/** release.json: what a release folder holds and where it came from. */
export interface ReleaseRecord {
  version: string;
  image: string;
  sha: string;
  actor: string;
  time: string;
  /** The compose files' names in the release folder, in order (rollback reuses them). */
  compose_files: string[];
  /** The release's own services (see ComposeService.versioned): the ones stop-first stops. Absent in older releases. */
  release_services?: string[];
}

/** What a host's app folder holds, as read by `inspectApp` in one round trip. */
export interface HostApp {
  state: DeployState;
  /** The release `current` points to, if any. */
  current?: string;
  releases: Array<{ version: string; record?: Partial<ReleaseRecord> }>;
}

export function parseHostApp(stdout: string): HostApp {
  const sections = new Map<string, string[]>();
  let name = '';
  for (const line of stdout.split('\n')) {
    if (line.startsWith('#')) {
      name = line.slice(1);
      sections.set(name, []);
    } else if (name) {
      sections.get(name)?.push(line);
    }
  }
  const state = parseJson<DeployState>((sections.get('state') ?? []).join('\n')) ?? {};
  const currentLink = (sections.get('current') ?? []).join('').trim();
  const releases = (sections.get('releases') ?? [])
    .map((line) => /^release (\S+) (.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, version = '', json = '']) => ({ version, record: parseJson<Partial<ReleaseRecord>>(json) }));
  const current = currentLink ? currentLink.replace(/\/+$/, '').split('/').pop() : undefined;
  return { state, releases, ...(current ? { current } : {}) };
}

function parseJson<T>(text: string): T | undefined {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
