import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { InputError } from '../inputs/input-error.js';
import type { ReleaseRecord } from '../pipeline/host-app.js';

/** One color of a blue-green pair and the host port it listens on. */
export interface ColorSlot {
  color: 'blue' | 'green';
  port: number;
}

/** The variables every compose command and the release's .env carry (product.md, compose conventions). */
export function suiteVariables(app: string, version: string, image: string, slot?: ColorSlot): Record<string, string> {
  return {
    APP: app,
    VERSION: version,
    ...(image ? { IMAGE: `${image}:${version}` } : {}),
    ...(slot ? { COLOR: slot.color, HOST_PORT: String(slot.port) } : {}),
  };
}

/**
 * The user's dotenv text as variables, each checked to reach compose exactly (see composeEnvLine);
 * a problem is one sentence naming the input or the key, never echoing a value.
 */
export function dotenvVariables(text: string): Record<string, string> {
  let openQuote = '';
  for (const line of text.split(/\r?\n/)) {
    if (openQuote) {
      if (line.includes(openQuote)) openQuote = '';
      continue;
    }
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const assignment = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=\s*(.*)$/.exec(line);
    if (!assignment) throw new InputError('Input `env` must be dotenv text (NAME=value lines); one line is not of that form.');
    const value = assignment[1] ?? '';
    const quote = /^["'`]/.exec(value)?.[0];
    // A quoted value may span lines (a PEM key in an env var); it ends at the line closing its quote.
    if (quote && !value.slice(1).includes(quote)) openQuote = quote;
  }
  const variables = parseDotenv(text);
  for (const [name, value] of Object.entries(variables)) composeEnvLine(name, value);
  return variables;
}

// docker-compose v1 reads .env with python-dotenv, which replaces ${NAME} and ${NAME:-default} even
// in single quotes and has no escape for it.
const V1_INTERPOLATION = /\$\{[^}:]*(?::-[^}]*)?\}/;
// In single quotes v1 reads \\ as one backslash and v2 as two, and a final backslash would escape v2's closing quote.
const AMBIGUOUS_BACKSLASH = /\\(?:[\\']|$)/;

/**
 * `NAME='value'`, which compose v2 and v1 both read back as exactly `value`: single quotes keep
 * `$`, `#`, `"`, `=`, spaces and newlines as they are, and `\'` is a quote in both. A value neither
 * can read back exactly is refused, since a secret that arrives altered fails far from its cause.
 */
function composeEnvLine(name: string, value: string): string {
  if (V1_INTERPOLATION.test(value)) {
    throw new InputError(`The value of ${name} in input \`env\` contains "\${...}", which docker-compose v1 would replace with a variable: it cannot be passed exactly.`);
  }
  if (AMBIGUOUS_BACKSLASH.test(value)) {
    throw new InputError(`The value of ${name} in input \`env\` has a backslash before another backslash, a quote or its end, which compose v1 and v2 read differently: it cannot be passed exactly.`);
  }
  return `${name}='${value.replace(/'/g, "\\'")}'`;
}

/** The release's .env: the user's variables, then the suite's, which replace any of the same name. */
export function releaseEnvFile(userEnv: string, variables: Record<string, string>): string {
  const user = Object.entries(dotenvVariables(userEnv)).filter(([name]) => !(name in variables));
  const lines = (entries: Array<[string, string]>): string => entries.map(([name, value]) => `${composeEnvLine(name, value)}\n`).join('');
  return `${lines(user)}# set by bot-deploy\n${lines(Object.entries(variables))}`;
}

/** One service of the compose files. */
export interface ComposeService {
  name: string;
  /**
   * Whether its definition uses the suite's `${IMAGE}` or `${VERSION}`: such a service is the
   * release's own and is replaced by every deploy; the others (a database) stay as they are.
   */
  versioned: boolean;
}

/** The services of the compose files, and which of them are the release's own. */
export function composeServices(files: Array<{ name: string; text: string }>): ComposeService[] {
  const services = new Map<string, boolean>();
  for (const { name, text } of files) {
    let document: unknown;
    try {
      document = parseYaml(text);
    } catch (error) {
      throw new InputError(`Compose file ${name} is not valid YAML: ${(error as Error).message.split('\n')[0]}.`);
    }
    const declared = (document as { services?: unknown } | null)?.services;
    if (!declared || typeof declared !== 'object') continue;
    for (const [service, definition] of Object.entries(declared)) {
      services.set(service, (services.get(service) ?? false) || usesReleaseVariables(definition));
    }
  }
  if (services.size === 0) throw new InputError(`The compose file(s) ${files.map((f) => f.name).join(', ')} declare no services.`);
  return [...services].map(([name, versioned]) => ({ name, versioned }));
}

// $IMAGE, ${IMAGE}, ${IMAGE:-x}, ${IMAGE?err}, ... (and VERSION); `$$` is compose's literal dollar.
const RELEASE_VARIABLE = /\$(?:\{(?:IMAGE|VERSION)(?=[}:?+-])|(?:IMAGE|VERSION)(?![A-Za-z0-9_]))/;

/** Whether any string in a service's definition (values or keys, however deep) interpolates IMAGE or VERSION. */
function usesReleaseVariables(node: unknown): boolean {
  if (typeof node === 'string') return RELEASE_VARIABLE.test(node.replace(/\$\$/g, ''));
  if (Array.isArray(node)) return node.some(usesReleaseVariables);
  if (node && typeof node === 'object') return Object.entries(node).some(([key, value]) => usesReleaseVariables(key) || usesReleaseVariables(value));
  return false;
}

export const LABEL_APP = 'dev.bot-deploy.app';
export const LABEL_VERSION = 'dev.bot-deploy.version';
export const LABELS_FILE = 'bot-deploy.labels.yml';

/**
 * A compose override labelling every service's containers with the app, and the release's own
 * services with the release too. Only those carry the version: a label that changes on every
 * deploy would make compose recreate the database with each release.
 */
export function labelsOverride(services: ComposeService[], app: string, version: string): string {
  const labelled = Object.fromEntries(
    services.map(({ name, versioned }) => [name, { labels: { [LABEL_APP]: app, ...(versioned ? { [LABEL_VERSION]: version } : {}) } }]),
  );
  return stringifyYaml({ services: labelled });
}

/**
 * The services stop-first stops before starting the release: the one named by `service`, else the
 * release's own services; every service only for a release staged before releases recorded them.
 */
export function servicesToStop(service: string, record: Partial<ReleaseRecord>): string[] | 'all' {
  return service ? [service] : (record.release_services ?? 'all');
}
