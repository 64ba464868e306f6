import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionMetadata } from '../../src/actions/action-metadata.js';
import { allActions } from '../../src/actions/all-actions.js';
import { readReferenceSection, REFERENCE_END, REFERENCE_START, replaceReferenceSection } from '../../src/actions/readme-reference-section.js';
import { renderReferenceMarkdown, usesPath } from '../../src/actions/reference-markdown.js';

const root = new URL('../..', import.meta.url).pathname;

const action = (overrides: Partial<ActionMetadata>): ActionMetadata => ({
  folder: 'demo',
  name: 'bot-deploy demo',
  description: 'Does a demo.',
  author: 'bot-deploy',
  branding: { icon: 'box', color: 'blue' },
  inputs: [],
  outputs: [],
  runs: { using: 'node24', main: '../dist/demo/index.js' },
  ...overrides,
});

/** The rendered text of one action, from its heading to the next action's. */
function chunkOf(markdown: string, heading: string): string {
  const start = markdown.indexOf(`### ${heading}\n`);
  if (start < 0) throw new Error(`no heading for ${heading}`);
  const next = markdown.indexOf('\n### ', start + 1);
  return markdown.slice(start, next < 0 ? undefined : next);
}

/** The cells of the table row whose first cell starts with `name` (split on unescaped pipes). */
function rowOf(chunk: string, name: string): string[] {
  const line = chunk.split('\n').find((text) => text.startsWith(`| ${name}`));
  if (!line) throw new Error(`no row for ${name}`);
  return line
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map((cell) => cell.trim());
}

describe('renderReferenceMarkdown', () => {
  const markdown = renderReferenceMarkdown(allActions);

  it('lists every action, with its uses path, description, and every input and output in a row of its own', () => {
    for (const each of allActions) {
      const root = each.folder === '.';
      const chunk = chunkOf(markdown, root ? 'bot-deploy (the root action)' : each.folder);
      expect(chunk).toContain(root ? '`uses: <org>/bot-deploy@v1`' : `\`uses: <org>/bot-deploy/${each.folder}@v1\``);
      expect(chunk).toContain(each.description.slice(0, 40));
      for (const spec of each.inputs) expect(rowOf(chunk, `\`${spec.name}\``)[0]).toMatch(new RegExp(`^\`${spec.name}\`( \\*\\(secret\\)\\*)?$`));
      for (const output of each.outputs) expect(rowOf(chunk.slice(chunk.indexOf('| output |')), `\`${output.name}\``)[1]?.length).toBeGreaterThan(10);
    }
  });

  it('shows required inputs as required, others with their defaults, and marks secrets', () => {
    const chunk = chunkOf(markdown, 'ssh-deploy');
    expect(rowOf(chunk, '`app`').slice(0, 3)).toEqual(['`app`', '**yes**', '']);
    expect(rowOf(chunk, '`port`').slice(0, 3)).toEqual(['`port`', 'no', '`22`']);
    expect(rowOf(chunk, '`private-key`').slice(0, 2)).toEqual(['`private-key` *(secret)*', '**yes**']);
    expect(rowOf(chunk, '`host`')[0]).toBe('`host`');
  });

  it('escapes pipes and newlines so a description stays in its cell, and keeps <placeholders> visible', () => {
    const text = renderReferenceMarkdown([
      action({
        inputs: [
          { name: 'mode', required: true, default: 'a|b', description: 'One of `a|b`\nor c | d, in /opt/<app>.' },
          { name: 'token', secret: true, section: 'credentials', description: 'A token.' },
        ],
        outputs: [{ name: 'result', description: 'x | y\n\nz' }],
      }),
    ]);
    expect(rowOf(text, '`mode`')).toEqual(['`mode`', '**yes**', '`a\\|b`', 'One of `a\\|b`<br>or c \\| d, in /opt/&lt;app>.']);
    expect(rowOf(text, '`result`')).toEqual(['`result`', 'x \\| y<br><br>z']);
    // The section heads its group as a row of its own, before the input that starts it.
    expect(text).toContain('| **credentials** | | | |\n| `token` *(secret)* | no |  | A token. |');
    for (const line of text.split('\n').filter((row) => row.startsWith('|'))) expect(line.endsWith('|')).toBe(true);
  });

  it('keeps backticks of a default inside its code span', () => {
    const text = renderReferenceMarkdown([action({ inputs: [{ name: 'cmd', default: 'echo `date`', description: 'A command.' }] })]);
    expect(rowOf(text, '`cmd`')[2]).toBe('`` echo `date` ``');
  });

  it('gives the root action the uses path of the repository itself, and puts it first', () => {
    expect(usesPath('.')).toBe('<org>/bot-deploy@v1');
    expect(usesPath('')).toBe('<org>/bot-deploy@v1');
    expect(usesPath('ssh-deploy')).toBe('<org>/bot-deploy/ssh-deploy@v1');
    const text = renderReferenceMarkdown([action({}), action({ folder: '.', name: 'bot-deploy', runs: { using: 'node24', main: 'dist/pipeline/index.js' } })]);
    expect(text.indexOf('`uses: <org>/bot-deploy@v1`')).toBeGreaterThan(0);
    expect(text.indexOf('`uses: <org>/bot-deploy@v1`')).toBeLessThan(text.indexOf('`uses: <org>/bot-deploy/demo@v1`'));
    expect(text).not.toContain('bot-deploy/.@v1');
  });

  it('renders the same text every time', () => {
    expect(renderReferenceMarkdown(allActions)).toBe(markdown);
  });
});

describe("README.md's reference section", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');

  it('is exactly what the metadata renders (run `npm run build` after changing src/actions/)', () => {
    expect(readReferenceSection(readme)).toBe(renderReferenceMarkdown(allActions));
  });

  it('is replaced without touching a byte outside the markers', () => {
    const replaced = replaceReferenceSection(readme, 'new text\n');
    const before = readme.slice(0, readme.indexOf(REFERENCE_START));
    const after = readme.slice(readme.indexOf(REFERENCE_END));
    expect(replaced).toBe(`${before}${REFERENCE_START}\nnew text\n${after}`);
    expect(replaceReferenceSection(replaced, readReferenceSection(readme))).toBe(readme);
  });

  it('refuses a README without both markers, in order', () => {
    expect(() => replaceReferenceSection('# x\n', 'y')).toThrow(/must hold <!-- reference:start -->/);
    expect(() => readReferenceSection(`${REFERENCE_END}\n${REFERENCE_START}\n`)).toThrow(/must hold/);
    expect(() => readReferenceSection(`${REFERENCE_START}\n${REFERENCE_START}\n${REFERENCE_END}\n`)).toThrow(/must hold/);
  });
});
