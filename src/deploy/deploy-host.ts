import { composePull, composeRunOnce, composeStop, composeUp, detectCompose, parseComposeFlavor, type ComposeFlavor, type ComposeProject } from '../host/compose-commands.js';
import { dockerLogin, dockerRemoveImages } from '../host/docker-commands.js';
import { activateRelease, appendDeployLog, inspectApp, makeAppFolder, removeReleaseDirs } from '../host/release-commands.js';
import type { Log } from '../log/log.js';
import type { RunContext } from '../runner/context.js';
import type { SshSession } from '../ssh/types.js';
import type { DeployConfig } from './deploy-config.js';
import { DEFAULT_LOCK_TIMING, takeDeployLock } from './deploy-lock.js';
import { parseHostApp, type DeployState, type HostApp } from './host-app.js';
import { runStep, StepError } from './host-step.js';
import { planPrune } from './prune-plan.js';
import { releaseLayout, type ReleaseLayout } from './release-layout.js';
import { composeServices, labelsOverride, LABELS_FILE, releaseEnvFile, suiteVariables, type ReleaseRecord } from './release-files.js';

export interface HostDeployResult {
  host: string;
  release: string;
  previous: string;
  releaseDir: string;
  action: 'deploy' | 'stage' | 'rollback';
  durationMs: number;
  pruned: string[];
}

/** A release folder's compose project under the `<app>` project name. */
function releaseProject(flavor: ComposeFlavor, layout: ReleaseLayout, app: string, version: string, record: Partial<ReleaseRecord>): ComposeProject {
  const directory = layout.releaseDir(version);
  const files = [...(record.compose_files ?? ['compose.yml']), LABELS_FILE].map((name) => `${directory}/${name}`);
  return {
    flavor,
    name: app,
    directory,
    files,
    envFile: `${directory}/.env`,
    variables: suiteVariables(app, version, record.image ?? ''),
  };
}

/** Ships a release to one host and runs it, or rolls back, under the host's deploy lock. */
export async function deployToHost(session: SshSession, config: DeployConfig, run: RunContext, log: Log): Promise<HostDeployResult> {
  const started = Date.now();
  const layout = releaseLayout(config.appDir);
  const flavor = await log.group(`Preparing ${session.host}`, async () => {
    const detected = parseComposeFlavor((await runStep(session, 'Detecting docker compose', detectCompose, { stream: false })).stdout);
    if (!detected) throw new StepError(`Neither \`docker compose\` (v2) nor \`docker-compose\` (v1) works for ${session.host}'s deploy user; install one.`, 127);
    log.info(`docker compose ${detected} on ${session.host}`);
    return detected;
  });
  await runStep(session, 'Creating the app folder', makeAppFolder(layout, layout.releasesDir), { stream: false });
  const lock = await takeDeployLock(
    session,
    { ...DEFAULT_LOCK_TIMING, lockFile: layout.lock, owner: run.owner, runUrl: run.runUrl, timeoutMs: config.lockTimeoutMs, staleMs: config.lockStaleMs },
    log,
  );
  const action = config.rollback ? 'rollback' : config.strategy === 'none' ? 'stage' : 'deploy';
  let target = config.version;
  let before: HostApp = { state: {}, releases: [] };
  try {
    before = await readHostApp(session, layout);
    target = config.rollback ? rollbackTarget(config, before, session.host) : config.version;
    const record = config.rollback ? before.releases.find((r) => r.version === target)?.record ?? {} : await stage(session, config, layout, run, log);
    const project = releaseProject(flavor, layout, config.app, target, record);
    if (!config.rollback) await pullAndPrepare(session, config, project, log);
    if (action !== 'stage') await switchTo(session, config, flavor, layout, before, project, log);
    const state: DeployState = action === 'stage' ? before.state : nextState(before, target);
    await session.writeFile(layout.state, `${JSON.stringify(state)}\n`, 0o644);
    const result: HostDeployResult = {
      host: session.host,
      release: target,
      previous: before.current ?? '',
      releaseDir: layout.releaseDir(target),
      action,
      durationMs: Date.now() - started,
      pruned: [],
    };
    result.pruned = await prune(session, config, layout, state, log);
    result.durationMs = Date.now() - started;
    await recordDeploy(session, layout, run, { action, version: target, result: 'success', durationMs: result.durationMs, previous: result.previous, strategy: config.strategy });
    return result;
  } catch (error) {
    await recordDeploy(session, layout, run, {
      action, version: target, result: 'failure', durationMs: Date.now() - started, previous: before.current ?? '', strategy: config.strategy,
      error: error instanceof Error ? error.message : String(error),
    }).catch(() => undefined);
    throw error;
  } finally {
    await lock.release().catch(() => undefined);
  }
}

async function readHostApp(session: SshSession, layout: ReleaseLayout): Promise<HostApp> {
  return parseHostApp((await runStep(session, 'Reading the app folder', inspectApp(layout), { stream: false })).stdout);
}

function rollbackTarget(config: DeployConfig, before: HostApp, host: string): string {
  const available = before.releases.map((r) => r.version);
  const target = config.version || before.state.previous || newestOtherThan(before, before.current);
  if (!target) throw new StepError(`There is no previous release on ${host} to roll back to (releases: ${available.join(', ') || 'none'}).`, 1);
  if (!available.includes(target)) {
    throw new StepError(`Release ${target} is not on ${host}, so it cannot be re-activated; releases there: ${available.join(', ') || 'none'}.`, 1);
  }
  return target;
}

function newestOtherThan(app: HostApp, version: string | undefined): string | undefined {
  return [...app.releases]
    .filter((r) => r.version !== version)
    .sort((a, b) => (b.record?.time ?? '').localeCompare(a.record?.time ?? ''))[0]?.version;
}

/** Uploads the release folder: compose files, the labels override, .env (0600) and release.json. */
async function stage(session: SshSession, config: DeployConfig, layout: ReleaseLayout, run: RunContext, log: Log): Promise<Partial<ReleaseRecord>> {
  return log.group(`Uploading release ${config.version} to ${session.host}`, async () => {
    const dir = layout.releaseDir(config.version);
    await runStep(session, 'Creating the release folder', makeAppFolder(layout, layout.releaseDir(config.version)), { stream: false });
    const record: ReleaseRecord = {
      version: config.version,
      image: config.image,
      sha: run.sha,
      actor: run.actor,
      time: new Date().toISOString(),
      compose_files: config.composeFiles.map((file) => file.name),
    };
    for (const file of config.composeFiles) await session.writeFile(`${dir}/${file.name}`, file.text, 0o644);
    const services = composeServices(config.composeFiles);
    await session.writeFile(`${dir}/${LABELS_FILE}`, labelsOverride(services, config.app, config.version), 0o644);
    await session.writeFile(`${dir}/.env`, releaseEnvFile(config.env, suiteVariables(config.app, config.version, config.image)), 0o600);
    await session.writeFile(`${dir}/release.json`, `${JSON.stringify(record)}\n`, 0o644);
    log.info(`${dir}: ${record.compose_files.join(', ')}, ${LABELS_FILE}, .env (0600), release.json`);
    return record;
  });
}

/** Everything that can fail before the running release is touched: login, pull, migrations. */
async function pullAndPrepare(session: SshSession, config: DeployConfig, project: ComposeProject, log: Log): Promise<void> {
  if (config.registry) {
    const { server, username, password } = config.registry;
    await log.group(`Logging in to ${server}`, () => runStep(session, `docker login to ${server}`, dockerLogin(server, username), { stdin: password }));
  }
  await log.group('Pulling images', () => runStep(session, 'Pulling images', composePull(project)));
  if (config.preDeploy) {
    await log.group(`Running pre-deploy in a new ${config.service} container`, () =>
      runStep(session, 'The pre-deploy command', composeRunOnce(project, config.service, config.preDeploy)),
    );
  }
}

/** Starts the release by the chosen strategy and moves `current`; brings the old one back if it cannot start. */
async function switchTo(session: SshSession, config: DeployConfig, flavor: ComposeFlavor, layout: ReleaseLayout, before: HostApp, project: ComposeProject, log: Log): Promise<void> {
  const release = project.variables.VERSION ?? '';
  const previous = before.current && before.current !== release ? before.releases.find((r) => r.version === before.current) : undefined;
  const previousProject = previous ? releaseProject(flavor, layout, config.app, previous.version, previous.record ?? {}) : undefined;
  await log.group(`Starting ${release} (${config.strategy})`, async () => {
    if (config.strategy === 'stop-first' && previousProject) {
      // Two long-polling bots on one token make Telegram answer 409 Conflict: the old one is fully stopped first.
      await runStep(session, `Stopping ${previous?.version}`, composeStop(previousProject, config.service || undefined));
    }
    try {
      await runStep(session, `Starting ${release}`, composeUp(project));
    } catch (error) {
      if (previousProject) {
        log.warning(`${release} did not start on ${session.host}; starting ${previous?.version} again.`);
        await session.exec(composeUp(previousProject));
      }
      throw error;
    }
    await runStep(session, 'Moving current', activateRelease(layout, release), { stream: false });
    log.info(`current -> releases/${release}`);
  });
}

function nextState(before: HostApp, active: string): DeployState {
  const previous = before.current && before.current !== active ? before.current : before.state.previous;
  return { ...before.state, active, ...(previous ? { previous } : {}), updated: new Date().toISOString() };
}

async function prune(session: SshSession, config: DeployConfig, layout: ReleaseLayout, state: DeployState, log: Log): Promise<string[]> {
  const now = await readHostApp(session, layout);
  const plan = planPrune(now, config.keepReleases, [state.active, state.previous, now.current, config.version]);
  if (plan.releases.length === 0) return [];
  await log.group(`Pruning ${plan.releases.length} old release(s)`, async () => {
    await runStep(session, 'Removing old releases', removeReleaseDirs(layout, plan.releases));
    if (plan.images.length > 0) {
      const removal = await session.exec(dockerRemoveImages(plan.images));
      if (removal.code !== 0) log.warning(`Some old images on ${session.host} were kept (still in use or already gone).`);
    }
  });
  return plan.releases;
}

interface DeployLogEntry {
  action: string;
  version: string;
  result: 'success' | 'failure';
  durationMs: number;
  previous: string;
  strategy: string;
  error?: string;
}

async function recordDeploy(session: SshSession, layout: ReleaseLayout, run: RunContext, entry: DeployLogEntry): Promise<void> {
  const line = JSON.stringify({
    time: new Date().toISOString(),
    actor: run.actor,
    sha: run.sha,
    version: entry.version,
    action: entry.action,
    result: entry.result,
    duration_ms: entry.durationMs,
    previous: entry.previous,
    strategy: entry.strategy,
    run_url: run.runUrl,
    ...(entry.error ? { error: entry.error } : {}),
  });
  await session.exec(appendDeployLog(layout), { stdin: `${line}\n`, stream: false });
}
