import { GitHubDeploymentsStandIn } from './github-deployments-stand-in.js';

const SHA = 'a84d88e7554fc1fa21bcbc4efae3c782a70d2b9d';

/** The stand-in itself: it must refuse what GitHub refuses, or the tests against it prove nothing. */
describe('GitHubDeploymentsStandIn', () => {
  let github: GitHubDeploymentsStandIn;
  beforeAll(async () => {
    github = await GitHubDeploymentsStandIn.start();
    github.addRepository('acme/bot', { refs: { main: SHA, 'v1.0.0': SHA }, pendingContexts: ['ci/lint'] });
    github.addRepository('acme/behind', { refs: { topic: SHA }, behindDefaultBranch: true });
    github.addToken('ghs_writer');
    github.addToken('ghs_reader', { write: false });
  });
  afterAll(() => github.close());

  const api = async (method: string, path: string, body?: unknown, authorization = 'token ghs_writer'): Promise<{ status: number; json: unknown; headers: Headers }> => {
    const response = await fetch(`${github.apiUrl}${path}`, {
      method,
      headers: { accept: 'application/vnd.github+json', ...(authorization ? { authorization } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as unknown, headers: response.headers };
  };
  const create = (body: Record<string, unknown>, repo = 'acme/bot'): ReturnType<typeof api> => api('POST', `/repos/${repo}/deployments`, body);

  it('creates a deployment with GitHub\'s defaults and answers 201 with it', async () => {
    const { status, json } = await create({ ref: 'v1.0.0', required_contexts: [], payload: { version: 'v1.0.0' } });
    expect(status).toBe(201);
    expect(json).toMatchObject({ ref: 'v1.0.0', sha: SHA, task: 'deploy', environment: 'production', production_environment: true, transient_environment: false, payload: { version: 'v1.0.0' }, description: '' });
    const staging = await create({ ref: 'main', environment: 'staging', required_contexts: [] });
    expect(staging.json).toMatchObject({ environment: 'staging', production_environment: false });
  });

  it('refuses what GitHub refuses: unknown ref 422, failing contexts 409 unless required_contexts is [], auto_merge 202, wrong types 422', async () => {
    expect(await create({ ref: 'nope', required_contexts: [] })).toMatchObject({ status: 422, json: { message: 'No ref found for: nope' } });
    expect(await create({ required_contexts: [] })).toMatchObject({ status: 422 });
    expect(await create({ ref: 'main' })).toMatchObject({ status: 409, json: { message: 'Conflict: Commit status checks failed for main.' } });
    expect(await create({ ref: 'main', required_contexts: ['ci/lint'] })).toMatchObject({ status: 409 });
    expect(await create({ ref: 'main', required_contexts: [], auto_merge: 'no' })).toMatchObject({ status: 422 });
    expect(await create({ ref: 'topic' }, 'acme/behind')).toMatchObject({ status: 202, json: { message: 'Auto-merged main into topic on deployment.' } });
    expect((await create({ ref: 'topic', auto_merge: false }, 'acme/behind')).status).toBe(201);
    expect(await create({ ref: 'main', required_contexts: [] }, 'acme/other')).toMatchObject({ status: 404, json: { message: 'Not Found' } });
  });

  it('answers 401 without a token or for an unknown one (token or Bearer), 403 to a write without deployments: write', async () => {
    expect(await api('GET', '/repos/acme/bot/deployments', undefined, '')).toMatchObject({ status: 401, json: { message: 'Requires authentication' } });
    expect(await api('GET', '/repos/acme/bot/deployments', undefined, 'Bearer ghs_wrong')).toMatchObject({ status: 401, json: { message: 'Bad credentials' } });
    expect((await api('GET', '/repos/acme/bot/deployments', undefined, 'Bearer ghs_writer')).status).toBe(200);
    expect((await api('GET', '/repos/acme/bot/deployments', undefined, 'token ghs_reader')).status).toBe(200);
    expect(await api('POST', '/repos/acme/bot/deployments', { ref: 'main', required_contexts: [] }, 'token ghs_reader')).toMatchObject({
      status: 403,
      json: { message: 'Resource not accessible by integration' },
    });
    expect(github.calls.at(-1)).toMatchObject({ method: 'POST', auth: 'token', status: 403 });
  });

  it('checks statuses: GitHub\'s seven states, 140-character descriptions, URLs; 404 for an unknown deployment; newest first', async () => {
    const { json } = await create({ ref: 'main', environment: 'qa', required_contexts: [] });
    const id = (json as { id: number }).id;
    const status = (body: Record<string, unknown>, deployment = id): ReturnType<typeof api> => api('POST', `/repos/acme/bot/deployments/${deployment}/statuses`, body);
    expect(await status({ state: 'done' })).toMatchObject({ status: 422, json: { message: 'Validation Failed', errors: [{ field: 'state', message: 'state is not included in the list' }] } });
    expect(await status({ state: 'success', description: 'x'.repeat(141) })).toMatchObject({ status: 422, json: { errors: [{ field: 'description' }] } });
    expect(await status({ state: 'success', environment_url: 'not a url' })).toMatchObject({ status: 422, json: { errors: [{ field: 'environment_url' }] } });
    expect(await status({ state: 'success' }, 999_999)).toMatchObject({ status: 404 });
    expect((await status({ state: 'in_progress', log_url: 'https://github.com/acme/bot/actions/runs/1', description: 'x'.repeat(140) })).status).toBe(201);
    const done = await status({ state: 'success', environment_url: 'https://t.me/acme_bot' });
    expect(done).toMatchObject({ status: 201, json: { state: 'success', environment: 'qa', environment_url: 'https://t.me/acme_bot', log_url: '', target_url: '' } });
    expect(done.headers.get('location')).toBe((done.json as { url: string }).url);
    const listed = await api('GET', `/repos/acme/bot/deployments/${id}/statuses?per_page=1`);
    expect(listed).toMatchObject({ status: 200, json: [{ state: 'success' }] });
    expect(listed.headers.get('link')).toMatch(/[?&]page=2.*rel="next"/);
    expect(github.stateOf(id)).toBe('success');
  });

  it('models auto_inactive: prior non-production, non-transient successes of the environment become inactive, unless auto_inactive is false', async () => {
    const older = github.seed('acme/bot', { ref: 'main', environment: 'preview', states: ['success'] });
    const transient = github.seed('acme/bot', { ref: 'main', environment: 'preview', states: ['success'], transient: true });
    const failed = github.seed('acme/bot', { ref: 'main', environment: 'preview', states: ['failure'] });
    const prod = github.seed('acme/bot', { ref: 'main', environment: 'prod-eu', states: ['success'], production: true });
    const prodNext = github.seed('acme/bot', { ref: 'main', environment: 'prod-eu', states: [] });
    const next = github.seed('acme/bot', { ref: 'main', environment: 'preview', states: [] });
    expect((await api('POST', `/repos/acme/bot/deployments/${next}/statuses`, { state: 'success' })).status).toBe(201);
    expect([github.stateOf(older), github.stateOf(transient), github.stateOf(failed)]).toEqual(['inactive', 'success', 'failure']);
    expect((await api('POST', `/repos/acme/bot/deployments/${prodNext}/statuses`, { state: 'success' })).status).toBe(201);
    expect(github.stateOf(prod)).toBe('success');
    const last = github.seed('acme/bot', { ref: 'main', environment: 'preview', states: [] });
    expect((await api('POST', `/repos/acme/bot/deployments/${last}/statuses`, { state: 'success', auto_inactive: false })).status).toBe(201);
    expect(github.stateOf(next)).toBe('success');
  });

  it('lists an environment\'s deployments newest first, filtered, paged', async () => {
    const first = github.seed('acme/bot', { ref: 'main', environment: 'listing', states: [] });
    const second = github.seed('acme/bot', { ref: 'v1.0.0', environment: 'listing', states: [] });
    const all = await api('GET', '/repos/acme/bot/deployments?environment=listing');
    expect((all.json as Array<{ id: number }>).map((item) => item.id)).toEqual([second, first]);
    const byRef = await api('GET', '/repos/acme/bot/deployments?environment=listing&ref=main');
    expect((byRef.json as Array<{ id: number }>).map((item) => item.id)).toEqual([first]);
    const paged = await api('GET', '/repos/acme/bot/deployments?environment=listing&per_page=1&page=2');
    expect((paged.json as Array<{ id: number }>).map((item) => item.id)).toEqual([first]);
  });

  it('fails on demand: a 5xx after N normal answers', async () => {
    github.fail(1, { kind: 'status', status: 502 }, 1);
    expect((await api('GET', '/repos/acme/bot/deployments')).status).toBe(200);
    expect(await api('GET', '/repos/acme/bot/deployments')).toMatchObject({ status: 502, json: { message: 'Server Error' } });
    expect((await api('GET', '/repos/acme/bot/deployments')).status).toBe(200);
  });
});
