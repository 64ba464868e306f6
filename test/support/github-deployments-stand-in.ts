import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback-server.js';

/**
 * GitHub's deployment states and limits, written out here again rather than imported from the
 * code under test (REST "Create a deployment status": state enum, description at most 140).
 */
const STATES = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'] as const;
type State = (typeof STATES)[number];
const DESCRIPTION_MAX = 140;
const DOCS = 'https://docs.github.com/rest/deployments';

/** A deployment as GitHub's REST API returns it. */
export interface DeploymentJson {
  url: string;
  id: number;
  node_id: string;
  sha: string;
  ref: string;
  task: string;
  payload: Record<string, unknown> | string;
  original_environment: string;
  environment: string;
  description: string | null;
  creator: { login: string; id: number; type: string };
  created_at: string;
  updated_at: string;
  statuses_url: string;
  repository_url: string;
  transient_environment: boolean;
  production_environment: boolean;
}

/** A deployment status as GitHub's REST API returns it. */
export interface StatusJson {
  url: string;
  id: number;
  node_id: string;
  state: State;
  creator: { login: string; id: number; type: string };
  description: string;
  environment: string;
  target_url: string;
  log_url: string;
  environment_url: string;
  created_at: string;
  updated_at: string;
  deployment_url: string;
  repository_url: string;
}

export interface RecordedCall {
  method: string;
  /** The path without the query. */
  path: string;
  query: Record<string, string>;
  body?: unknown;
  /** How the token came: `token <t>`, `Bearer <t>`, or none. */
  auth: 'token' | 'bearer' | 'none';
  status: number;
}

export interface StandInRepository {
  /** Branch and tag names and the commit each points at. */
  refs: Record<string, string>;
  /** Commit status contexts that are not `success`: a deployment that does not pass `required_contexts: []` is refused (409). */
  pendingContexts?: string[];
  /** The ref is behind the default branch: a deployment with `auto_merge` (GitHub's default) merges instead (202). */
  behindDefaultBranch?: boolean;
}

interface Token {
  login: string;
  /** `deployments: write`: without it, writes are refused 403 as with a GITHUB_TOKEN lacking the permission. */
  write: boolean;
}

interface StoredDeployment {
  repository: string;
  json: DeploymentJson;
  /** Oldest first; the API lists them newest first. */
  statuses: StatusJson[];
}

export type Fault = { kind: 'status'; status: 500 | 502 | 503 } | { kind: 'hang' };

class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

/**
 * An in-process stand-in for the GitHub REST endpoints github-deployment uses, as GitHub documents
 * them (REST "Deployments" and "Deployment statuses"):
 * - POST /repos/{owner}/{repo}/deployments: `ref` required and resolved (422 "No ref found for"),
 *   `environment` default production, `production_environment` default true only for production,
 *   `transient_environment` default false, `auto_merge` default true (202 when the ref is behind
 *   the default branch), `required_contexts` default all (409 when a context is not success), the
 *   payload kept as given; 201 with the deployment;
 * - GET /repos/{owner}/{repo}/deployments (environment, ref, sha, task, per_page, page), newest first;
 * - GET /repos/{owner}/{repo}/deployments/{id}; 404 for an unknown one;
 * - POST .../deployments/{id}/statuses: `state` one of GitHub's seven (422 otherwise), description
 *   at most 140 (422), URLs http(s); `auto_inactive` (default true) adds `inactive` to the prior
 *   non-transient, non-production deployments of the environment whose latest state is success,
 *   as GitHub does; 201 with the status;
 * - GET .../deployments/{id}/statuses (per_page, page), newest first;
 * - a token as `Authorization: token <t>` or `Bearer <t>`: 401 without one or for an unknown one,
 *   403 for a write by a token without `deployments: write`; 404 for an unknown repository;
 * - faults on demand: 5xx answers, or no answer at all, for the next requests.
 */
export class GitHubDeploymentsStandIn {
  readonly calls: RecordedCall[] = [];
  private readonly repositories = new Map<string, StandInRepository>();
  private readonly tokens = new Map<string, Token>();
  private readonly stored = new Map<number, StoredDeployment>();
  /** Per coming request: a fault, or undefined to answer it normally. */
  private readonly faults: Array<Fault | undefined> = [];
  private nextDeploymentId = 1000;
  private nextStatusId = 5000;
  private clock = Date.UTC(2025, 0, 1);
  private server?: Server;
  private port = 0;

  static async start(): Promise<GitHubDeploymentsStandIn> {
    const standIn = new GitHubDeploymentsStandIn();
    const { server, port } = await listenOnLoopback((req, res) => void standIn.handle(req, res));
    standIn.server = server;
    standIn.port = port;
    return standIn;
  }

  async close(): Promise<void> {
    await closeServer(this.server);
  }

  /** The REST API root, for `api-url`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  addRepository(fullName: string, repository: StandInRepository): void {
    this.repositories.set(fullName, repository);
  }

  addToken(token: string, options: { login?: string; write?: boolean } = {}): string {
    this.tokens.set(token, { login: options.login ?? 'github-actions[bot]', write: options.write ?? true });
    return token;
  }

  /** A deployment made outside the action (by hand, another tool, an earlier run), with its statuses oldest first. */
  seed(fullName: string, deployment: { ref: string; environment: string; payload?: Record<string, unknown> | string; states: State[]; production?: boolean; transient?: boolean }): number {
    const json = this.newDeployment(fullName, 'seed', {
      ref: deployment.ref,
      environment: deployment.environment,
      payload: deployment.payload ?? {},
      production_environment: deployment.production ?? deployment.environment === 'production',
      transient_environment: deployment.transient ?? false,
    });
    for (const state of deployment.states) this.addStatus(json.id, 'seed', { state });
    return json.id;
  }

  /** After `after` normal answers, the next `count` requests are answered with a 5xx, or never (`hang`). */
  fail(count: number, fault: Fault, after = 0): void {
    for (let i = 0; i < after; i++) this.faults.push(undefined);
    for (let i = 0; i < count; i++) this.faults.push(fault);
  }

  deployment(id: number): DeploymentJson | undefined {
    return this.stored.get(id)?.json;
  }

  /** A deployment's statuses, oldest first. */
  statuses(id: number): StatusJson[] {
    return [...(this.stored.get(id)?.statuses ?? [])];
  }

  /** What GitHub's Environments view shows for a deployment: its latest state. */
  stateOf(id: number): State | undefined {
    return this.stored.get(id)?.statuses.at(-1)?.state;
  }

  /** Every deployment of the repository's environment, oldest first, with the states it went through. */
  history(fullName: string, environment: string): Array<{ id: number; ref: string; payload: DeploymentJson['payload']; states: State[] }> {
    return [...this.stored.values()]
      .filter((stored) => stored.repository === fullName && stored.json.environment === environment)
      .map((stored) => ({ id: stored.json.id, ref: stored.json.ref, payload: stored.json.payload, states: stored.statuses.map((status) => status.state) }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const text = await readBody(req);
    const call: RecordedCall = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), auth: 'none', status: 0 };
    if (text !== '') {
      try {
        call.body = JSON.parse(text) as unknown;
      } catch {
        call.body = text;
      }
    }
    this.calls.push(call);
    const fault = this.faults.shift();
    if (fault?.kind === 'hang') return;
    let answer: HttpAnswer;
    if (fault?.kind === 'status') answer = new HttpAnswer(fault.status, { message: 'Server Error' });
    else {
      try {
        answer = this.route(req, url, text, call);
      } catch (error) {
        if (!(error instanceof HttpAnswer)) throw error;
        answer = error;
      }
    }
    call.status = answer.status;
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  }

  private route(req: IncomingMessage, url: URL, text: string, call: RecordedCall): HttpAnswer {
    const token = this.authenticate(req.headers.authorization, call);
    const match = /^\/repos\/([^/]+)\/([^/]+)\/deployments(?:\/(\d+)(\/statuses)?)?\/?$/.exec(url.pathname);
    if (!match) throw notFound();
    const fullName = `${match[1]}/${match[2]}`;
    const repository = this.repositories.get(fullName);
    if (!repository) throw notFound();
    const method = req.method ?? 'GET';
    if (method === 'POST' && !token.write) {
      throw new HttpAnswer(403, { message: 'Resource not accessible by integration', documentation_url: DOCS, status: '403' });
    }
    const id = match[3] === undefined ? undefined : Number(match[3]);
    const body = (): Record<string, unknown> => parseObject(text);
    if (id === undefined) {
      if (method === 'POST') return this.createDeployment(fullName, repository, token, body());
      if (method === 'GET') return this.listDeployments(fullName, url.searchParams);
      throw notFound();
    }
    const stored = this.stored.get(id);
    if (!stored || stored.repository !== fullName) throw notFound();
    if (match[4] === undefined) {
      if (method === 'GET') return new HttpAnswer(200, stored.json);
      throw notFound();
    }
    if (method === 'POST') return this.createStatus(id, token, body());
    if (method === 'GET') return page([...stored.statuses].reverse(), url.searchParams, url);
    throw notFound();
  }

  private authenticate(header: string | undefined, call: RecordedCall): Token {
    const match = /^(token|bearer)\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw new HttpAnswer(401, { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest', status: '401' });
    call.auth = (match[1] as string).toLowerCase() as 'token' | 'bearer';
    const token = this.tokens.get(match[2] as string);
    if (!token) throw new HttpAnswer(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    return token;
  }

  private createDeployment(fullName: string, repository: StandInRepository, token: Token, body: Record<string, unknown>): HttpAnswer {
    const ref = body.ref;
    if (typeof ref !== 'string' || ref === '') throw invalid('"ref" wasn\'t supplied.');
    for (const key of ['auto_merge', 'transient_environment', 'production_environment'] as const) {
      if (body[key] !== undefined && typeof body[key] !== 'boolean') throw invalid(`For 'properties/${key}', ${JSON.stringify(body[key])} is not a boolean.`);
    }
    for (const key of ['environment', 'description', 'task'] as const) {
      if (body[key] !== undefined && body[key] !== null && typeof body[key] !== 'string') throw invalid(`For 'properties/${key}', ${JSON.stringify(body[key])} is not a string.`);
    }
    const contexts = body.required_contexts;
    if (contexts !== undefined && (!Array.isArray(contexts) || contexts.some((item) => typeof item !== 'string'))) {
      throw invalid(`For 'properties/required_contexts', ${JSON.stringify(contexts)} is not an array of strings.`);
    }
    const payload = body.payload ?? {};
    if (typeof payload !== 'string' && (typeof payload !== 'object' || payload === null || Array.isArray(payload))) {
      throw invalid(`For 'properties/payload', ${JSON.stringify(payload)} is not an object or a string.`);
    }
    const sha = resolveRef(repository, ref);
    if (sha === undefined) throw new HttpAnswer(422, { message: `No ref found for: ${ref}`, documentation_url: `${DOCS}/deployments#create-a-deployment`, status: '422' });
    if (repository.behindDefaultBranch && body.auto_merge !== false) {
      return new HttpAnswer(202, { message: `Auto-merged main into ${ref} on deployment.` });
    }
    const required = contexts === undefined ? (repository.pendingContexts ?? []) : (contexts as string[]).filter((context) => repository.pendingContexts?.includes(context));
    if (required.length > 0) {
      throw new HttpAnswer(409, {
        message: `Conflict: Commit status checks failed for ${ref}.`,
        errors: [{ contexts: required.map((context) => ({ context, state: 'pending' })), resource: 'Deployment', field: 'required_contexts', code: 'invalid' }],
        documentation_url: `${DOCS}/deployments#create-a-deployment`,
        status: '409',
      });
    }
    const environment = typeof body.environment === 'string' && body.environment !== '' ? body.environment : 'production';
    const json = this.newDeployment(fullName, token.login, {
      ref,
      sha,
      environment,
      payload: payload as Record<string, unknown> | string,
      description: typeof body.description === 'string' ? body.description : '',
      task: typeof body.task === 'string' ? body.task : 'deploy',
      production_environment: typeof body.production_environment === 'boolean' ? body.production_environment : environment === 'production',
      transient_environment: body.transient_environment === true,
    });
    return new HttpAnswer(201, json);
  }

  private listDeployments(fullName: string, query: URLSearchParams): HttpAnswer {
    const filters = (['environment', 'ref', 'sha', 'task'] as const).flatMap((key) => {
      const value = query.get(key);
      return value === null ? [] : [[key, value] as const];
    });
    const matching = [...this.stored.values()]
      .filter((stored) => stored.repository === fullName && filters.every(([key, value]) => stored.json[key] === value))
      .map((stored) => stored.json)
      .reverse();
    return page(matching, query, new URL(`${this.apiUrl}/repos/${fullName}/deployments?${query.toString()}`));
  }

  private createStatus(id: number, token: Token, body: Record<string, unknown>): HttpAnswer {
    const state = body.state;
    if (typeof state !== 'string' || !(STATES as readonly string[]).includes(state)) {
      throw validationFailed('state', 'state is not included in the list');
    }
    const description = body.description ?? '';
    if (typeof description !== 'string') throw invalid(`For 'properties/description', ${JSON.stringify(description)} is not a string.`);
    if ([...description].length > DESCRIPTION_MAX) throw validationFailed('description', `description is too long (maximum is ${DESCRIPTION_MAX} characters)`);
    for (const key of ['log_url', 'target_url', 'environment_url'] as const) {
      const value = body[key];
      if (value === undefined || value === '') continue;
      if (typeof value !== 'string' || !/^https?:\/\/\S+$/.test(value)) throw validationFailed(key, `${key} must be a valid URL`);
    }
    if (body.auto_inactive !== undefined && typeof body.auto_inactive !== 'boolean') throw invalid(`For 'properties/auto_inactive', ${JSON.stringify(body.auto_inactive)} is not a boolean.`);
    const status = this.addStatus(id, token.login, body as { state: State } & Record<string, unknown>);
    if (state === 'success' && body.auto_inactive !== false) this.autoInactivate(id, token.login);
    return new HttpAnswer(201, status, { location: status.url });
  }

  /** GitHub's auto_inactive: prior non-transient, non-production deployments of the environment that were success. */
  private autoInactivate(id: number, login: string): void {
    const current = this.stored.get(id);
    if (!current) return;
    for (const other of this.stored.values()) {
      const { json } = other;
      if (json.id >= id || other.repository !== current.repository || json.environment !== current.json.environment) continue;
      if (json.transient_environment || json.production_environment) continue;
      if (other.statuses.at(-1)?.state === 'success') this.addStatus(json.id, login, { state: 'inactive' });
    }
  }

  private newDeployment(
    fullName: string,
    login: string,
    fields: { ref: string; sha?: string; environment: string; payload: Record<string, unknown> | string; description?: string; task?: string; production_environment: boolean; transient_environment: boolean },
  ): DeploymentJson {
    const id = this.nextDeploymentId++;
    const at = this.tick();
    const repositoryUrl = `${this.apiUrl}/repos/${fullName}`;
    const json: DeploymentJson = {
      url: `${repositoryUrl}/deployments/${id}`,
      id,
      node_id: Buffer.from(`Deployment${id}`).toString('base64'),
      sha: fields.sha ?? resolveRef(this.repositories.get(fullName) ?? { refs: {} }, fields.ref) ?? fields.ref,
      ref: fields.ref,
      task: fields.task ?? 'deploy',
      payload: fields.payload,
      original_environment: fields.environment,
      environment: fields.environment,
      description: fields.description ?? '',
      creator: { login, id: 41898282, type: 'Bot' },
      created_at: at,
      updated_at: at,
      statuses_url: `${repositoryUrl}/deployments/${id}/statuses`,
      repository_url: repositoryUrl,
      transient_environment: fields.transient_environment,
      production_environment: fields.production_environment,
    };
    this.stored.set(id, { repository: fullName, json, statuses: [] });
    return json;
  }

  private addStatus(id: number, login: string, fields: { state: State } & Record<string, unknown>): StatusJson {
    const stored = this.stored.get(id);
    if (!stored) throw notFound();
    const statusId = this.nextStatusId++;
    const at = this.tick();
    const text = (key: string): string => (typeof fields[key] === 'string' ? (fields[key] as string) : '');
    const previous = stored.statuses.at(-1);
    const logUrl = text('log_url') || text('target_url');
    const status: StatusJson = {
      url: `${stored.json.url}/statuses/${statusId}`,
      id: statusId,
      node_id: Buffer.from(`DeploymentStatus${statusId}`).toString('base64'),
      state: fields.state,
      creator: { login, id: 41898282, type: 'Bot' },
      description: text('description'),
      // GitHub: "If not defined, the environment of the previous status on the deployment will be used".
      environment: text('environment') || previous?.environment || stored.json.environment,
      target_url: logUrl,
      log_url: logUrl,
      environment_url: text('environment_url'),
      created_at: at,
      updated_at: at,
      deployment_url: stored.json.url,
      repository_url: stored.json.repository_url,
    };
    stored.statuses.push(status);
    stored.json.updated_at = at;
    return status;
  }

  /** Timestamps one second apart, so order is visible in them as in GitHub's. */
  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}

function resolveRef(repository: StandInRepository, ref: string): string | undefined {
  const named = repository.refs[ref] ?? repository.refs[ref.replace(/^refs\/(heads|tags)\//, '')];
  if (named !== undefined) return named;
  return Object.values(repository.refs).find((sha) => sha === ref);
}

/** GitHub's list pages: per_page (default 30, at most 100), page from 1, and a Link header to the next one. */
function page<T>(items: T[], query: URLSearchParams, url: URL): HttpAnswer {
  const perPage = Math.min(Math.max(Number(query.get('per_page') ?? 30) || 30, 1), 100);
  const number = Math.max(Number(query.get('page') ?? 1) || 1, 1);
  const slice = items.slice((number - 1) * perPage, number * perPage);
  const headers: Record<string, string> = {};
  if (number * perPage < items.length) {
    const next = new URL(url);
    next.searchParams.set('page', String(number + 1));
    headers.link = `<${next.toString()}>; rel="next"`;
  }
  return new HttpAnswer(200, slice, headers);
}

function parseObject(text: string): Record<string, unknown> {
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpAnswer(400, { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/rest', status: '400' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('Body should be a JSON object');
  return value as Record<string, unknown>;
}

function notFound(): HttpAnswer {
  return new HttpAnswer(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
}

function invalid(message: string): HttpAnswer {
  return new HttpAnswer(422, { message: `Invalid request.\n\n${message}`, documentation_url: DOCS, status: '422' });
}

function validationFailed(field: string, message: string): HttpAnswer {
  return new HttpAnswer(422, { message: 'Validation Failed', errors: [{ resource: 'DeploymentStatus', code: 'custom', field, message }], documentation_url: `${DOCS}/statuses#create-a-deployment-status`, status: '422' });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
