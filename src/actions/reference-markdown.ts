import type { InputSpec } from '../inputs/input-spec.js';
import type { ActionMetadata, OutputSpec } from './action-metadata.js';

/**
 * The README's reference of every action's inputs and outputs, rendered from the same metadata
 * the build writes each action.yml from, so the README cannot say something the actions do not.
 * Deterministic: the same metadata always gives the same text (check-dist compares it byte for byte).
 */
export function renderReferenceMarkdown(actions: readonly ActionMetadata[]): string {
  // The root action (the whole pipeline) first: it is the one most users start from.
  const ordered = [...actions.filter((action) => isRootFolder(action.folder)), ...actions.filter((action) => !isRootFolder(action.folder))];
  return ordered.map(renderAction).join('\n');
}

/** The `uses:` path of an action, with the publishing organisation left as `<org>` (never hard-coded). */
export function usesPath(folder: string): string {
  return isRootFolder(folder) ? '<org>/bot-deploy@v1' : `<org>/bot-deploy/${normalizeFolder(folder)}@v1`;
}

/** The repository root: build.mjs writes `<out>/<folder>/action.yml`, so `.` (or empty) is the root's action.yml. */
function isRootFolder(folder: string): boolean {
  return normalizeFolder(folder) === '';
}

function normalizeFolder(folder: string): string {
  return folder.replace(/^(\.\/)+/, '').replace(/\/+$/, '').replace(/^\.$/, '');
}

function renderAction(action: ActionMetadata): string {
  const heading = isRootFolder(action.folder) ? 'bot-deploy (the root action)' : normalizeFolder(action.folder);
  const parts = [`### ${heading}`, codeSpan(`uses: ${usesPath(action.folder)}`), paragraphText(action.description)];
  parts.push(action.inputs.length > 0 ? inputsTable(action.inputs) : 'No inputs.');
  parts.push(action.outputs.length > 0 ? outputsTable(action.outputs) : 'No outputs.');
  return parts.map((part) => `${part}\n`).join('\n');
}

function inputsTable(inputs: readonly InputSpec[]): string {
  const rows = ['| input | required | default | description |', '|---|---|---|---|'];
  for (const spec of inputs) {
    // A section starts a group of related inputs, as the comment heading it does in action.yml.
    if (spec.section) rows.push(`| **${tableCell(spec.section)}** | | | |`);
    const name = `${codeSpan(spec.name)}${spec.secret ? ' *(secret)*' : ''}`;
    const required = spec.required ? '**yes**' : 'no';
    const fallback = spec.default === undefined ? '' : spec.default === '' ? '(empty)' : codeSpan(spec.default);
    rows.push(`| ${name} | ${required} | ${fallback} | ${tableCell(spec.description)} |`);
  }
  return rows.join('\n');
}

function outputsTable(outputs: readonly OutputSpec[]): string {
  const rows = ['| output | description |', '|---|---|'];
  for (const output of outputs) rows.push(`| ${codeSpan(output.name)} | ${tableCell(output.description)} |`);
  return rows.join('\n');
}

/** A code span holding `text` exactly, with a fence longer than any run of backticks inside it. */
function codeSpan(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Metadata text as a paragraph: `<app>` outside code would be taken for an HTML tag and vanish. */
function paragraphText(text: string): string {
  return mapOutsideCode(text, (plain) => plain.replace(/</g, '&lt;'), (code) => code);
}

/**
 * Metadata text as one table cell: a `|` would end the cell (GitHub needs `\|` inside code spans
 * too) and a newline would end the row.
 */
function tableCell(text: string): string {
  return mapOutsideCode(
    text.trim(),
    (plain) => plain.replace(/</g, '&lt;').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>'),
    // Markdown turns a newline inside a code span into a space anyway.
    (code) => code.replace(/\|/g, '\\|').replace(/\r?\n/g, ' '),
  );
}

/** Applies `plain` to the text outside code spans and `code` to each code span (fences included). */
function mapOutsideCode(text: string, plain: (part: string) => string, code: (part: string) => string): string {
  let result = '';
  let rest = text;
  for (;;) {
    const open = /`+/.exec(rest);
    if (!open) return result + plain(rest);
    const fence = open[0];
    const afterOpen = open.index + fence.length;
    // A span closes at the next run of exactly as many backticks; without one, the backticks are literal.
    const close = new RegExp(`(?<!\`)${fence}(?!\`)`).exec(rest.slice(afterOpen));
    if (!close) {
      result += plain(rest.slice(0, afterOpen));
      rest = rest.slice(afterOpen);
      continue;
    }
    const end = afterOpen + close.index + fence.length;
    result += plain(rest.slice(0, open.index)) + code(rest.slice(open.index, end));
    rest = rest.slice(end);
  }
}
