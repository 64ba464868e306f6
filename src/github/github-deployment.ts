import { messageOf } from '../errors/message-of.js';
import { InputError } from '../inputs/input-error.js';
import type { JobSummary } from '../log/job-summary.js';
import type { Log } from '../log/log.js';
import { deliverOrWarn } from '../notify/deliver.js';
import type { FinishStep, GitHubDeploymentConfig, StartStep } from './deployment-config.js';
import { DeploymentsApi, type Deployment, type DeploymentState } from './deployments-api.js';
import { deploymentDescription, finishDescription, FINISH_STATES, inProgressDescription, releaseLabel, replacedDescription } from './deployment-texts.js';

export interface GitHubDeploymentResult {
  /** The deployment started or finished; undefined when start could not create one (or finish had none). */
  deploymentId?: number;
  /** The state GitHub now shows for it; undefined when nothing was recorded. */
  state?: DeploymentState;
  /** The deployments of the environment this success replaced, now inactive. */
  inactivated: number[];
  outcome: 'recorded' | 'not recorded' | 'nothing to finish';
}

export interface GitHubDeploymentContext {
  log: Log;
  summary: JobSummary;
}

export interface GitHubDeploymentOptions {
  /** How long one API call may take (tests shorten it). */
  timeoutMs?: number;
}

/** The channel name in deliverOrWarn's warning: "The GitHub Deployments notification was not delivered (...)". */
const CHANNEL = 'GitHub Deployments';
const SUMMARY_HEADING = 'GitHub deployment';

/** github-deployment: a deploy recorded as a GitHub deployment; an API failure is a warning unless fail-on-error. */
export async function githubDeployment(config: GitHubDeploymentConfig, context: GitHubDeploymentContext, options: GitHubDeploymentOptions = {}): Promise<GitHubDeploymentResult> {
  const api = new DeploymentsApi(config.api, options.timeoutMs);
  return config.step.step === 'start' ? start(api, config, config.step, context) : finish(api, config, config.step, context);
}

async function start(api: DeploymentsApi, config: GitHubDeploymentConfig, step: StartStep, { log, summary }: GitHubDeploymentContext): Promise<GitHubDeploymentResult> {
  const label = releaseLabel(step.version, step.rollback, step.ref);
  const rows: Array<[string, string]> = [
    ['Step', step.rollback ? 'start (rollback)' : 'start'],
    ['Repository', api.repositoryName],
    ['Environment', step.environment],
    ['Version', label],
    ['Ref', step.ref],
  ];
  // Kept outside the delivery: when the in_progress status fails, finish can still settle the deployment.
  let created: Deployment | undefined;
  try {
    const delivery = await log.group(`GitHub deployment: ${step.rollback ? 'rollback of' : 'deploy to'} ${step.environment} (${label})`, () =>
      deliverOrWarn(CHANNEL, config.failOnError, log, async () => {
        created = await api.create({
          ref: step.ref,
          environment: step.environment,
          description: deploymentDescription(step.environment, label, step.rollback),
          payload: { version: step.version, rollback: step.rollback },
        });
        log.info(`Created deployment ${created.id} of ${step.ref} to ${step.environment}.`);
        await api.setStatus(created.id, { state: 'in_progress', description: inProgressDescription(label, step.rollback), logUrl: config.logUrl, environmentUrl: step.environmentUrl });
        log.info(`Deployment ${created.id} is in progress${step.environmentUrl ? `, for ${step.environmentUrl}` : ''}.`);
        return created;
      }),
    );
    const id = created?.id;
    if (!delivery.delivered) {
      summary.section(SUMMARY_HEADING, [...rows, ...(id === undefined ? [] : [['Deployment', String(id)] as [string, string]]), ['Result', `not recorded: ${delivery.reason}`]]);
      return { ...(id === undefined ? {} : { deploymentId: id }), inactivated: [], outcome: 'not recorded' };
    }
    summary.section(SUMMARY_HEADING, [...rows, ['Deployment', String(delivery.result.id)], ['State', 'in_progress']]);
    return { deploymentId: delivery.result.id, state: 'in_progress', inactivated: [], outcome: 'recorded' };
  } catch (error) {
    summary.section(SUMMARY_HEADING, [...rows, ['Result', `failed: ${messageOf(error)}`]]);
    throw error;
  }
}

async function finish(api: DeploymentsApi, config: GitHubDeploymentConfig, step: FinishStep, { log, summary }: GitHubDeploymentContext): Promise<GitHubDeploymentResult> {
  const state = FINISH_STATES[step.status];
  const id = step.deploymentId;
  const rows: Array<[string, string]> = [
    ['Step', `finish (${step.status})`],
    ['Repository', api.repositoryName],
  ];
  if (id === undefined) {
    // The start step warned already; failing now would fail the deploy over a missing record.
    if (config.failOnError) throw new InputError('Input `deployment-id` is required with step finish: pass the start step\'s deployment-id output.');
    log.warning('No GitHub deployment to finish: `deployment-id` is empty (the start step could not create one), so this deploy does not show in the Environments view.');
    summary.section(SUMMARY_HEADING, [...rows, ['Result', 'nothing to finish: no deployment-id']]);
    return { inactivated: [], outcome: 'nothing to finish' };
  }
  rows.push(['Deployment', String(id)]);
  const inactivated: number[] = [];
  try {
    const delivery = await log.group(`GitHub deployment: ${step.status} of deployment ${id}`, () =>
      deliverOrWarn(CHANNEL, config.failOnError, log, async () => {
        const deployment = await api.get(id);
        const { rollback } = deployment.payload;
        const label = releaseLabel(step.version || deployment.payload.version, rollback, deployment.ref);
        rows.push(['Environment', deployment.environment], ['Version', label]);
        // A status without environment_url would take the link off the Environments view: keep start's.
        const environmentUrl = step.environmentUrl || (await api.latestStatus(id))?.environmentUrl || '';
        const previous = step.status === 'rolled-back' ? (await servingBefore(api, deployment))[0] : undefined;
        const previousLabel = previous ? releaseLabel(previous.payload.version, previous.payload.rollback, previous.ref) : '';
        await api.setStatus(id, { state, description: finishDescription(step.status, label, rollback, previousLabel), logUrl: config.logUrl, environmentUrl });
        log.info(`Deployment ${id} (${label} to ${deployment.environment}) is now ${state}.`);
        if (state !== 'success') return;
        for (const replaced of await servingBefore(api, deployment)) {
          await api.setStatus(replaced.id, { state: 'inactive', description: replacedDescription(label, id), logUrl: config.logUrl, environmentUrl: '' });
          inactivated.push(replaced.id);
          log.info(`Deployment ${replaced.id} (${releaseLabel(replaced.payload.version, replaced.payload.rollback, replaced.ref)}) was replaced: marked inactive.`);
        }
      }),
    );
    if (!delivery.delivered) {
      summary.section(SUMMARY_HEADING, [...rows, ...replacedRow(inactivated), ['Result', `not recorded: ${delivery.reason}`]]);
      return { deploymentId: id, inactivated, outcome: 'not recorded' };
    }
    summary.section(SUMMARY_HEADING, [...rows, ['State', state], ...replacedRow(inactivated)]);
    return { deploymentId: id, state, inactivated, outcome: 'recorded' };
  } catch (error) {
    summary.section(SUMMARY_HEADING, [...rows, ...replacedRow(inactivated), ['Result', `failed: ${messageOf(error)}`]]);
    throw error;
  }
}

/**
 * The other deployments of the environment whose latest state is success, newest first: what a
 * success replaces, and what serves again after a rollback. Every success this suite recorded made
 * the ones before it inactive, so the scan stops at the newest such success instead of reading the
 * statuses of every deployment the environment ever had. Whatever finished last serves, so the
 * order of creation does not matter: a deployment created after this one may be replaced too.
 */
async function servingBefore(api: DeploymentsApi, deployment: Deployment): Promise<Deployment[]> {
  const serving: Deployment[] = [];
  for (const other of await api.list(deployment.environment)) {
    if (other.id === deployment.id) continue;
    if ((await api.latestStatus(other.id))?.state !== 'success') continue;
    serving.push(other);
    if (other.payload.fromSuite) break;
  }
  return serving;
}

function replacedRow(inactivated: number[]): Array<[string, string]> {
  return inactivated.length === 0 ? [] : [['Replaced (now inactive)', inactivated.join(', ')]];
}
