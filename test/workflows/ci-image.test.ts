import { simulateJob, type Scenario, type SimulatedJob } from './job-simulation.js';
import { readWorkflow } from './workflow-doc.js';

const { doc } = readWorkflow('.github/workflows/ci.yml');
const SHA = '0123456789abcdef0123456789abcdef01234567';

const build = (scenario: Partial<Scenario>): Promise<SimulatedJob> =>
  simulateJob(doc, 'image', { ...scenario, inputs: { language: 'python', ...scenario.inputs }, github: { repository: 'Acme/Faceit-Bot', sha: SHA, ...scenario.github } });

describe('ci, the image job', () => {
  it('tags a tag push with the tag and the commit SHA, in lowercase under ghcr.io/<owner>/<repo>, and pushes it', async () => {
    const job = await build({ github: { ref_type: 'tag', ref_name: 'v1.2.3' } });
    expect(job.steps()).toEqual(['checkout', 'tags', 'buildx', 'login', 'build']);
    expect(job.get('build')?.with).toMatchObject({
      tags: `ghcr.io/acme/faceit-bot:v1.2.3\nghcr.io/acme/faceit-bot:${SHA}`,
      push: 'true',
      file: './Dockerfile',
      labels: `org.opencontainers.image.source=https://github.com/Acme/Faceit-Bot\norg.opencontainers.image.revision=${SHA}\norg.opencontainers.image.version=v1.2.3`,
    });
    expect(job.get('login')?.with).toMatchObject({ registry: 'ghcr.io', username: 'octocat', password: 'job-token' });
    expect(job.get('tags')?.outputs).toMatchObject({ image: 'ghcr.io/acme/faceit-bot', version: 'v1.2.3' });
  });

  it('tags a branch push with the commit SHA alone', async () => {
    expect((await build({ github: { ref_type: 'branch', ref_name: 'develop' } })).get('build')?.with.tags).toBe(`ghcr.io/acme/faceit-bot:${SHA}`);
  });

  it('builds a pull request without logging in or pushing, whatever push-image says', async () => {
    const job = await build({ github: { event_name: 'pull_request', ref_name: '12/merge' }, inputs: { 'push-image': true } });
    expect(job.steps()).not.toContain('login');
    expect(job.get('build')?.with.push).toBe('false');
  });

  it('pushes to another registry with REGISTRY_PASSWORD', async () => {
    const job = await build({ inputs: { image: 'registry.example.org/acme/bot', 'registry-username': 'robot' }, secrets: { REGISTRY_PASSWORD: 'pw' } });
    expect(job.get('login')?.with).toMatchObject({ registry: 'registry.example.org', username: 'robot', password: 'pw' });
  });

  it.each([
    ['an image with a tag', { image: 'ghcr.io/acme/bot:latest' }, 'must be a lowercase image repository without a tag'],
    ['an image in capitals', { image: 'ghcr.io/Acme/bot' }, 'must be a lowercase image repository without a tag'],
    ['a version that is no release name', { version: 'feature/x' }, 'The version "feature/x" is not a valid image tag and release name'],
  ])('refuses %s before building', async (_, inputs, message) => {
    const job = await build({ inputs });
    expect(job.steps()).toEqual(['checkout', 'tags']);
    expect(job.get('tags')?.log).toContain(message);
  });
});
