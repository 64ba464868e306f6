import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { InputError } from '../inputs/input-error.js';

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

/** The user's dotenv variables, for masking; throws one sentence (never echoing the text) when it isn't dotenv. */
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
  return parseDotenv(text);
}

/** The release's .env: the user's variables first, then the suite's, which win. */
export function releaseEnvFile(userEnv: string, variables: Record<string, string>): string {
  const user = userEnv.replace(/\r\n/g, '\n').trimEnd();
  const suite = Object.entries(variables).map(([name, value]) => `${name}=${value}`).join('\n');
  return `${user ? `${user}\n` : ''}# set by bot-deploy\n${suite}\n`;
}

export interface ReleaseRecord {
  version: string;
  image: string;
  sha: string;
  actor: string;
  time: string;
  /** The compose files' names in the release folder, in order (rollback reuses them). */
  compose_files: string[];
}

/** The service names of the compose files, so every container can be labelled with app and version. */
export function composeServices(files: Array<{ name: string; text: string }>): string[] {
  const services = new Set<string>();
  for (const { name, text } of files) {
    let document: unknown;
    try {
      document = parseYaml(text);
    } catch (error) {
      throw new InputError(`Compose file ${name} is not valid YAML: ${(error as Error).message.split('\n')[0]}.`);
    }
    const declared = (document as { services?: unknown } | null)?.services;
    if (declared && typeof declared === 'object') Object.keys(declared).forEach((service) => services.add(service));
  }
  if (services.size === 0) throw new InputError(`The compose file(s) ${files.map((f) => f.name).join(', ')} declare no services.`);
  return [...services];
}

export const LABEL_APP = 'dev.bot-deploy.app';
export const LABEL_VERSION = 'dev.bot-deploy.version';
export const LABELS_FILE = 'bot-deploy.labels.yml';

/** A compose override that labels every service's containers with the app and the release. */
export function labelsOverride(services: string[], app: string, version: string): string {
  const labelled = Object.fromEntries(services.map((service) => [service, { labels: { [LABEL_APP]: app, [LABEL_VERSION]: version } }]));
  return stringifyYaml({ services: labelled });
}
