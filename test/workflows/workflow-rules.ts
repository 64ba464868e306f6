import type { SuiteAction } from './suite-actions.js';
import { stepLabel, type JobDoc, type StepDoc, type WorkflowDoc, type WorkflowFile } from './workflow-doc.js';

/**
 * The suite's rules for its workflows and templates, beyond what GitHub's parser and actionlint
 * check: least privilege for the job token and for secrets, no injection through expressions in
 * scripts, third-party code pinned, the suite's own actions from the workflow's own commit, and
 * deploys that are never cancelled half-way.
 */
export type RuleName =
  | 'workflow-permissions'
  | 'job-permissions'
  | 'write-permission-use'
  | 'caller-permissions'
  | 'expression-in-run'
  | 'secret-placement'
  | 'secret-to-plain-input'
  | 'secrets-inherit'
  | 'untrusted-event-data'
  | 'unpinned-action'
  | 'suite-action-ref'
  | 'suite-checkout'
  | 'deploy-concurrency';

export interface Finding {
  rule: RuleName;
  where: string;
  message: string;
}

export interface RuleContext {
  actions: ReadonlyMap<string, SuiteAction>;
  /** The reusable workflow a caller job's `uses:` names, when it is one of the suite's. */
  calledWorkflow(uses: string): WorkflowDoc | undefined;
}

type Level = 'none' | 'read' | 'write';
const LEVELS: readonly Level[] = ['none', 'read', 'write'];

/** Why a job may hold a write permission: something it runs needs it. */
const WRITE_NEEDS: Readonly<Record<string, (job: JobDoc) => boolean>> = {
  deployments: (job) => usesStep(job, (uses) => uses === './.bot-deploy/github-deployment'),
  packages: (job) => usesStep(job, (uses) => uses.startsWith('docker/login-action@')),
  // No step requests an OIDC token: the suite finds its own commit through the job context.
  'id-token': () => false,
};

/** Third-party inputs that take a secret (the suite's own are marked in their metadata). */
const THIRD_PARTY_SECRET_INPUTS: Readonly<Record<string, readonly string[]>> = {
  'docker/login-action': ['password'],
};

/**
 * Suite inputs that are not secret but may come from a secret: known_hosts lines are public, and
 * the product lets a team keep them in a secret or a variable.
 */
const PUBLIC_INPUTS_FROM_SECRETS = new Set(['known-hosts']);

/** Actions that change what runs on a host: a job using one must never be cancelled half-way. */
const HOST_CHANGING = new Set(['ssh-deploy', 'blue-green-switch', 'pg-backup-to-spaces']);

const SECRET_REF = /\b(secrets\.[A-Za-z0-9_-]+|github\.token)\b/g;
const PRESENCE_TEST = /^\s*(!=|==)\s*''/;
const UNTRUSTED = /\bgithub\.(event\b(?!_)|head_ref\b)/;
const SUITE_LOCAL = /^\.\/\.bot-deploy\/([^/@]+)$/;
const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[^@]+)?@[0-9a-f]{40}$/;
const TEMPLATE_CALL = /^OWNER\/bot-deploy\/\.github\/workflows\/[a-z-]+\.yml@v\d+$/;

export function checkWorkflow(file: WorkflowFile, context: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const add = (rule: RuleName, where: string, message: string): void => {
    findings.push({ rule, where: `${file.path}${where ? ` ${where}` : ''}`, message });
  };
  const { doc } = file;

  if (!isEmptyMapping(doc.permissions)) add('workflow-permissions', '', 'must set `permissions: {}` at the top, so a job without its own permissions gets none');
  checkConcurrencyValue(doc.concurrency, '', add);
  checkSecretPlacement(doc, add);
  checkUntrusted(doc, add);
  checkPins(file, add);

  for (const [jobId, job] of Object.entries(doc.jobs)) {
    const where = `jobs.${jobId}`;
    const permissions = job.permissions;
    if (typeof permissions !== 'object' || permissions === null) {
      add('job-permissions', where, 'must list its permissions explicitly (a mapping of scopes)');
    }
    const granted = typeof permissions === 'object' && permissions !== null ? permissions : {};
    if (job.uses !== undefined) {
      checkCaller(job, granted, where, context, add);
      continue;
    }
    for (const [scope, level] of Object.entries(granted)) {
      if (level !== 'write') continue;
      const need = WRITE_NEEDS[scope];
      if (!need || !need(job)) add('write-permission-use', where, `has \`${scope}: write\` but runs nothing that needs it`);
    }
    if (WRITE_NEEDS.deployments?.(job) && granted.deployments !== 'write') add('write-permission-use', where, 'runs github-deployment without `deployments: write`');
    const steps = job.steps ?? [];
    steps.forEach((step, index) => {
      const stepWhere = `${where} ${stepLabel(step, index)}`;
      if (step.run !== undefined && step.run.includes('${{')) {
        add('expression-in-run', stepWhere, 'has `${{ }}` in its script: pass the value through `env:` and use "$NAME"');
      }
      checkSuiteRef(step, stepWhere, add);
      checkSecretInputs(step, stepWhere, context, add);
    });
    checkSuiteCheckout(steps, where, add);
    const changesHost = steps.some((step) => HOST_CHANGING.has(SUITE_LOCAL.exec(step.uses ?? '')?.[1] ?? ''));
    if (changesHost) checkDeployConcurrency(job.concurrency, where, add);
  }
  return findings;
}

function checkCaller(job: JobDoc, granted: Record<string, string>, where: string, context: RuleContext, add: Adder): void {
  if (job.secrets === 'inherit') add('secrets-inherit', where, 'passes every secret (`secrets: inherit`): name the ones the called workflow uses');
  const called = context.calledWorkflow(job.uses ?? '');
  if (!called) return;
  const needed: Record<string, Level> = {};
  for (const calledJob of Object.values(called.jobs)) {
    const permissions = typeof calledJob.permissions === 'object' && calledJob.permissions !== null ? calledJob.permissions : {};
    for (const [scope, level] of Object.entries(permissions)) {
      if (LEVELS.indexOf(level as Level) > LEVELS.indexOf(needed[scope] ?? 'none')) needed[scope] = level as Level;
    }
  }
  const scopes = new Set([...Object.keys(needed), ...Object.keys(granted)]);
  for (const scope of scopes) {
    const want = needed[scope] ?? 'none';
    const have = (granted[scope] ?? 'none') as Level;
    if (have !== want) {
      add('caller-permissions', where, `grants \`${scope}: ${have}\` where ${job.uses} needs \`${scope}: ${want}\` (less fails to start; more is more than it uses)`);
    }
  }
}

type Adder = (rule: RuleName, where: string, message: string) => void;

/** Secrets go to the steps that use them, through `with:`; elsewhere only whether one is set. */
function checkSecretPlacement(doc: WorkflowDoc, add: Adder): void {
  const visit = (value: unknown, path: string[]): void => {
    if (typeof value === 'string') {
      const refs = [...value.matchAll(/\bsecrets\.[A-Za-z0-9_-]+/g)];
      if (refs.length === 0) return;
      if (secretAllowedAt(path)) return;
      const presenceOnly = refs.every((ref) => PRESENCE_TEST.test(value.slice((ref.index ?? 0) + ref[0].length)));
      if (presenceOnly && presenceAllowedAt(path)) return;
      add('secret-placement', path.join('.'), `uses ${refs.map((ref) => ref[0]).join(', ')} where only a step's \`with:\` (or a caller's \`secrets:\`) should`);
      return;
    }
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, [...path, String(index)]));
    else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
  };
  visit(doc, []);
}

/** jobs.<id>.steps.<n>.with.<key> of an action step, or jobs.<id>.secrets.<key> of a caller job. */
function secretAllowedAt(path: string[]): boolean {
  return (path[0] === 'jobs' && path[2] === 'steps' && path[4] === 'with' && path.length === 6) || (path[0] === 'jobs' && path[2] === 'secrets' && path.length === 4);
}

/** Environment variables (workflow, job or step) may say whether a secret is set, for `if:`. */
function presenceAllowedAt(path: string[]): boolean {
  return (path[0] === 'env' && path.length === 2) || (path[0] === 'jobs' && path[2] === 'env' && path.length === 4) || (path[0] === 'jobs' && path[2] === 'steps' && path[4] === 'env' && path.length === 6);
}

/** A secret (or the job token) passed to an action goes to an input meant for one, never to text it prints. */
function checkSecretInputs(step: StepDoc, where: string, context: RuleContext, add: Adder): void {
  if (step.uses === undefined) return;
  const folder = SUITE_LOCAL.exec(step.uses)?.[1];
  const thirdParty = THIRD_PARTY_SECRET_INPUTS[step.uses.split('@')[0] ?? ''] ?? [];
  for (const [key, value] of Object.entries(step.with ?? {})) {
    if (typeof value !== 'string') continue;
    const refs = [...value.matchAll(SECRET_REF)].filter((ref) => !PRESENCE_TEST.test(value.slice((ref.index ?? 0) + ref[0].length)));
    if (refs.length === 0) continue;
    const secretInput =
      folder !== undefined ? context.actions.get(folder)?.inputs.get(key)?.secret === true || PUBLIC_INPUTS_FROM_SECRETS.has(key) : thirdParty.includes(key);
    if (!secretInput) add('secret-to-plain-input', where, `passes ${refs.map((ref) => ref[0]).join(', ')} to \`${key}\`, which is not a secret input`);
  }
}

function checkUntrusted(doc: WorkflowDoc, add: Adder): void {
  const visit = (value: unknown, path: string[]): void => {
    if (typeof value === 'string') {
      if (UNTRUSTED.test(value) && path[path.length - 2] !== 'env') {
        add('untrusted-event-data', path.join('.'), 'uses event data (github.event.*, github.head_ref) outside `env:`');
      }
      return;
    }
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, [...path, String(index)]));
    else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
  };
  visit(doc, []);
}

/** Third-party actions by full commit SHA (with the release as a comment); templates call the suite by its placeholder. */
function checkPins(file: WorkflowFile, add: Adder): void {
  file.text.split('\n').forEach((line, index) => {
    const match = /^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)["']?\s*(#.*)?$/.exec(line);
    if (!match) return;
    const uses = match[1] as string;
    const where = `line ${index + 1}`;
    if (uses.startsWith('./')) return;
    if (/\/bot-deploy\//.test(uses) || /\/bot-deploy@/.test(uses)) {
      if (!(file.path.startsWith('workflows/') && TEMPLATE_CALL.test(uses))) add('suite-action-ref', where, `uses ${uses}: the suite is called as OWNER/bot-deploy/.github/workflows/<file>@<ref> from templates and run from ./.bot-deploy inside its workflows`);
      return;
    }
    if (uses.startsWith('docker://')) {
      if (!/@sha256:[0-9a-f]{64}$/.test(uses)) add('unpinned-action', where, `uses ${uses} without a digest`);
      return;
    }
    if (!PINNED.test(uses) || !/^#\s*v\d/.test(match[2] ?? '')) add('unpinned-action', where, `uses ${uses}: pin a full commit SHA and name its release in a comment (# vX.Y.Z)`);
  });
  // owner/bot-deploy as in a `uses:` (not a path such as /etc/nginx/bot-deploy).
  const org = /(?<![\w/.-])([A-Za-z0-9][A-Za-z0-9-]*)\/bot-deploy\b/g;
  for (const match of file.text.matchAll(org)) {
    if (match[1] !== 'OWNER') add('suite-action-ref', '', `names the organisation "${match[1]}": nothing may hard-code it (templates say OWNER)`);
  }
}

function checkSuiteRef(step: StepDoc, where: string, add: Adder): void {
  const uses = step.uses;
  if (uses === undefined || !uses.startsWith('./')) return;
  if (!SUITE_LOCAL.test(uses)) add('suite-action-ref', where, `uses ${uses}: local actions run from the caller's repository; the suite's come from ./.bot-deploy/<action>`);
}

/**
 * A job running the suite's actions first checks the suite out at the commit this workflow file
 * was read from, unconditionally, without keeping credentials.
 */
function checkSuiteCheckout(steps: readonly StepDoc[], where: string, add: Adder): void {
  const first = steps.findIndex((step) => SUITE_LOCAL.test(step.uses ?? ''));
  if (first < 0) return;
  const checkout = steps.slice(0, first).find((step) => step.with?.path === '.bot-deploy');
  const ok =
    checkout !== undefined &&
    (checkout.uses ?? '').startsWith('actions/checkout@') &&
    checkout.if === undefined &&
    checkout.with?.repository === '${{ job.workflow_repository }}' &&
    checkout.with?.ref === '${{ job.workflow_sha }}' &&
    checkout.with?.['persist-credentials'] === false;
  if (!ok) {
    add('suite-checkout', where, 'runs ./.bot-deploy actions without first checking out ${{ job.workflow_repository }} at ${{ job.workflow_sha }} into .bot-deploy (unconditionally, persist-credentials: false)');
  }
}

function checkDeployConcurrency(concurrency: unknown, where: string, add: Adder): void {
  const setting = typeof concurrency === 'object' && concurrency !== null ? (concurrency as { group?: unknown; 'cancel-in-progress'?: unknown }) : undefined;
  const group = typeof setting?.group === 'string' ? setting.group : '';
  if (!setting || setting['cancel-in-progress'] !== false || !group.includes('inputs.environment') || !group.includes('inputs.app')) {
    add('deploy-concurrency', where, 'changes a host, so it needs `concurrency: { group: <per inputs.environment and inputs.app>, cancel-in-progress: false }`');
  }
}

/** Workflow-level concurrency, if any, never cancels a run in progress. */
function checkConcurrencyValue(concurrency: unknown, where: string, add: Adder): void {
  if (typeof concurrency === 'object' && concurrency !== null && (concurrency as Record<string, unknown>)['cancel-in-progress'] !== false) {
    add('deploy-concurrency', where, 'workflow-level concurrency must not cancel runs in progress');
  }
}

function usesStep(job: JobDoc, test: (uses: string) => boolean): boolean {
  return (job.steps ?? []).some((step) => step.uses !== undefined && test(step.uses));
}

function isEmptyMapping(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}
