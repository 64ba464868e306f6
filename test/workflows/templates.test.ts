import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readWorkflow, repoRoot, templatePaths } from './workflow-doc.js';

/** The keys GitHub reads from an organisation workflow template's metadata file. */
const PROPERTY_KEYS = ['name', 'description', 'iconName', 'categories', 'filePatterns'];

interface Properties {
  name?: unknown;
  description?: unknown;
  iconName?: unknown;
  categories?: unknown;
  filePatterns?: unknown;
}

const properties = (template: string): Properties => JSON.parse(readFileSync(join(repoRoot, template.replace(/\.yml$/, '.properties.json')), 'utf8')) as Properties;

describe('the caller templates in workflows/', () => {
  it('are CI, staging and production, each with its .properties.json and nothing else', () => {
    expect(readdirSync(join(repoRoot, 'workflows')).sort()).toEqual([
      'bot-ci.properties.json',
      'bot-ci.yml',
      'bot-production.properties.json',
      'bot-production.yml',
      'bot-staging.properties.json',
      'bot-staging.yml',
    ]);
  });

  it.each(templatePaths())('%s has metadata GitHub can show: a name, a description, an octicon, categories and file patterns', (template) => {
    const props = properties(template);
    expect(Object.keys(props).filter((key) => !PROPERTY_KEYS.includes(key))).toEqual([]);
    expect(props.name).toEqual(expect.stringMatching(/\S/));
    expect(props.description).toEqual(expect.stringMatching(/\S{10}/));
    expect(props.iconName).toEqual(expect.stringMatching(/^octicon [a-z0-9-]+$/));
    expect(props.categories).toEqual(expect.arrayContaining([expect.any(String)]));
    const patterns = props.filePatterns as string[];
    expect(patterns.length).toBeGreaterThan(0);
    for (const pattern of patterns) expect(() => new RegExp(pattern)).not.toThrow();
    expect(patterns.some((pattern) => new RegExp(pattern).test('Dockerfile'))).toBe(true);
  });

  it('have distinct names', () => {
    const names = templatePaths().map((template) => properties(template).name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(templatePaths())('%s calls the suite only through the OWNER placeholder, at a reusable workflow that exists', (template) => {
    const jobs = Object.values(readWorkflow(template).doc.jobs);
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      const path = /^OWNER\/bot-deploy\/(\.github\/workflows\/[a-z-]+\.yml)@v1$/.exec(job.uses ?? '')?.[1];
      expect({ uses: job.uses, exists: path !== undefined && existsSync(join(repoRoot, path)) }).toEqual({ uses: job.uses, exists: true });
    }
  });

  it('run CI on every push to a branch other than develop and on pull requests', () => {
    expect(readWorkflow('workflows/bot-ci.yml').doc.on).toEqual({ push: { branches: ['**', '!develop'] }, pull_request: null });
  });

  it('deploy staging on a push to develop, after CI built and pushed the commit’s image', () => {
    const { doc } = readWorkflow('workflows/bot-staging.yml');
    expect(doc.on).toEqual({ push: { branches: ['develop'] } });
    expect(doc.jobs.staging?.needs).toBe('ci');
    expect(doc.jobs.ci?.with).toMatchObject({ version: '${{ github.sha }}' });
    expect(doc.jobs.ci?.with?.['push-image']).toBeUndefined();
    expect(doc.jobs.staging?.with).toMatchObject({ image: '${{ needs.ci.outputs.image }}', version: '${{ needs.ci.outputs.version }}' });
  });

  it('deploy production on a v* tag and roll it back when run by hand, to the previous release or a named one', () => {
    const { doc } = readWorkflow('workflows/bot-production.yml');
    expect(doc.on).toEqual({ push: { tags: ['v*'] }, workflow_dispatch: { inputs: { version: expect.objectContaining({ type: 'string', default: '' }) } } });
    expect(doc.jobs.ci?.if).toBe("github.event_name == 'push'");
    expect(doc.jobs.production?.with).toMatchObject({
      action: "${{ github.event_name == 'workflow_dispatch' && 'rollback' || 'deploy' }}",
      version: '${{ needs.ci.outputs.version }}',
      'rollback-version': '${{ inputs.version }}',
    });
  });
});
