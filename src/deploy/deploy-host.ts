import { composePull, composeRunOnce, composeStop, composeUp, detectCompose, parseComposeFlavor, type ComposeFlavor, type ComposeProject } from '../host/compose-commands.js';
import { dockerLogin, dockerRemoveImages, makeDockerConfigDir, privateDockerConfig, readUserDockerConfig, removeDockerConfig } from '../host/docker-commands.js';
import { activateRelease, appendDeployLog, inspectApp, makeAppFolder, removeReleaseDirs } from '../host/release-commands.js';
import type { Log } from '../log/log.js';
import type { RunContext } from '../runner/context.js';
import type { SshSession } from '../ssh/types.js';
import { deployAction, type DeployAction, type DeployConfig } from './deploy-config.js';
import { DEFAULT_LOCK_TIMING, takeDeployLock, type HeldLock } from './deploy-lock.js';
import { afterDeploy, afterRollback, rollbackCandidate, type DeployState } from './deploy-state.js';
import { parseHostApp, type HostApp } from './host-app.js';
import { runStep, StepError } from './host-step.js';
import { planPrune } from './prune-plan.js';
import { releaseLayout, type ReleaseLayout } from './release-layout.js';
import { labelsOverride, LABELS_FILE, releaseEnvFile, servicesToStop, suiteVariables, type ReleaseRecord } from './release-files.js';

export interface HostDeployResult {
  host: string;
  release: string;
  previous: string;
  releaseDir: string;
  action: DeployAction;
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
  const flavor = await detectFlavor(session, log);
  await runStep(session, 'Creating the app folder', makeAppFolder(layout, layout.releasesDir), { stream: false });
  const lock = await takeDeployLock(
    session,
    { ...DEFAULT_LOCK_TIMING, lockFile: layout.lock, owner: run.owner, runUrl: run.runUrl, timeoutMs: config.lockTimeoutMs, staleMs: config.lockStaleMs },
    log,
  );
  const action = deployAction(config);
  let target = config.version;
  let before: HostApp = { state: {}, releases: [] };
  try {
    // A deploy killed while logged in leaves its private docker config behind: remove it first.
    await removePrivateDockerConfig(session, layout, log);
    before = await readHostApp(session, layout);
    target = config.rollback ? rollbackTarget(config, before, session.host, run.runUrl) : config.version;
    const record = config.rollback ? (before.releases.find((r) => r.version === target)?.record ?? {}) : await stage(session, config, layout, run, log);
    const project = releaseProject(flavor, layout, config.app, target, record);
    if (!config.rollback) await pullAndPrepare(session, config, layout, project, log);
    if (action !== 'stage') await switchTo(session, config, lock, layout, before, project, record, log);
    const state = nextState(action, before, target, run.runUrl);
    await session.writeFile(layout.state, `${JSON.stringify(state)}\n`, 0o644);
    // The host as this run leaves it, known without reading it again: the folders it had, plus this release.
    const after: HostApp = {
      state,
      releases: [...before.releases.filter((r) => r.version !== target), { version: target, record }],
      ...(action === 'stage' ? (before.current ? { current: before.current } : {}) : { current: target }),
    };
    const pruned = await prune(session, config, layout, after, log);
    const result: HostDeployResult = {
      host: session.host,
      release: target,
      previous: before.current && before.current !== target ? before.current : (state.previous ?? ''),
      releaseDir: layout.releaseDir(target),
      action,
      durationMs: Date.now() - started,
      pruned,
    };
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

async function detectFlavor(session: SshSession, log: Log): Promise<ComposeFlavor> {
  return log.group(`Preparing ${session.host}`, async () => {
    const detected = parseComposeFlavor((await runStep(session, 'Detecting docker compose', detectCompose, { stream: false })).stdout);
    if (!detected) throw new StepError(`Neither \`docker compose\` (v2) nor \`docker-compose\` (v1) works for ${session.host}'s deploy user; install one.`, 127);
    log.info(`docker compose ${detected} on ${session.host}`);
    return detected;
  });
}

async function readHostApp(session: SshSession, layout: ReleaseLayout): Promise<HostApp> {
  return parseHostApp((await runStep(session, 'Reading the app folder', inspectApp(layout), { stream: false })).stdout);
}

function rollbackTarget(config: DeployConfig, before: HostApp, host: string, runUrl: string): string {
  const available = before.releases.map((r) => r.version);
  const listed = available.join(', ') || 'none';
  const target = config.version || rollbackCandidate(before.state, before.current, available, runUrl);
  if (!target) {
    throw new StepError(
      `There is no earlier successfully deployed release on ${host} to roll back to (${before.current ?? 'nothing'} is active; releases there: ${listed}): name one with \`version\`.`,
      1,
    );
  }
  if (!available.includes(target)) throw new StepError(`Release ${target} is not on ${host}, so it cannot be re-activated; releases there: ${listed}.`, 1);
  return target;
}

function nextState(action: DeployAction, before: HostApp, target: string, runUrl: string): DeployState {
  if (action === 'stage') return before.state;
  const available = [...before.releases.map((r) => r.version), target];
  return action === 'rollback'
    ? afterRollback(before.state, before.current, target, available, runUrl, new Date())
    : afterDeploy(before.state, target, available, new Date());
}

/** Uploads the release folder: compose files, the labels override, .env (0600) and release.json. */
async function stage(session: SshSession, config: DeployConfig, layout: ReleaseLayout, run: RunContext, log: Log): Promise<Partial<ReleaseRecord>> {
  return log.group(`Uploading release ${config.version} to ${session.host}`, async () => {
    const dir = layout.releaseDir(config.version);
    await runStep(session, 'Creating the release folder', makeAppFolder(layout, dir), { stream: false });
    const record: ReleaseRecord = {
      version: config.version,
      image: config.image,
      sha: run.sha,
      actor: run.actor,
      time: new Date().toISOString(),
      compose_files: config.composeFiles.map((file) => file.name),
      release_services: config.services.filter((service) => service.versioned).map((service) => service.name),
    };
    for (const file of config.composeFiles) await session.writeFile(`${dir}/${file.name}`, file.text, 0o644);
    await session.writeFile(`${dir}/${LABELS_FILE}`, labelsOverride(config.services, config.app, config.version), 0o644);
    await session.writeFile(`${dir}/.env`, releaseEnvFile(config.env, suiteVariables(config.app, config.version, config.image)), 0o600);
    await session.writeFile(`${dir}/release.json`, `${JSON.stringify(record)}\n`, 0o644);
    log.info(`${dir}: ${record.compose_files.join(', ')}, ${LABELS_FILE}, .env (0600), release.json`);
    return record;
  });
}

/**
 * Everything that can fail before the running release is touched: login, pull, migrations. The
 * registry login lives in a private Docker config removed afterwards, so no password stays behind.
 */
async function pullAndPrepare(session: SshSession, config: DeployConfig, layout: ReleaseLayout, project: ComposeProject, log: Log): Promise<void> {
  const registry = config.registry;
  const authed: ComposeProject = registry ? { ...project, dockerConfig: layout.dockerConfig } : project;
  try {
    if (registry) {
      await runStep(session, 'Preparing a private docker config', makeDockerConfigDir(layout.dockerConfig), { stream: false });
      const userConfig = await runStep(session, 'Reading the docker config', readUserDockerConfig, { stream: false });
      await session.writeFile(`${layout.dockerConfig}/config.json`, privateDockerConfig(userConfig.stdout), 0o600);
      await log.group(`Logging in to ${registry.server}`, () =>
        runStep(session, `docker login to ${registry.server}`, dockerLogin(registry.server, registry.username, layout.dockerConfig), { stdin: registry.password }),
      );
    }
    await log.group('Pulling images', () => runStep(session, 'Pulling images', composePull(authed)));
    if (config.preDeploy) {
      await log.group(`Running pre-deploy in a new ${config.service} container`, () =>
        runStep(session, 'The pre-deploy command', composeRunOnce(authed, config.service, config.preDeploy)),
      );
    }
  } finally {
    if (registry) await removePrivateDockerConfig(session, layout, log);
  }
}

async function removePrivateDockerConfig(session: SshSession, layout: ReleaseLayout, log: Log): Promise<void> {
  const removed = await session.exec(removeDockerConfig(layout.dockerConfig), { stream: false }).catch(() => undefined);
  if (removed?.code !== 0) {
    log.warning(`Could not remove ${layout.dockerConfig} on ${session.host}, which may hold a registry login: delete it by hand.`);
  }
}

/** Starts the release by the chosen strategy and moves `current`; brings the old one back if it cannot start. */
async function switchTo(session: SshSession, config: DeployConfig, lock: HeldLock, layout: ReleaseLayout, before: HostApp, project: ComposeProject, record: Partial<ReleaseRecord>, log: Log): Promise<void> {
  const release = project.variables.VERSION ?? '';
  const previous = before.current && before.current !== release ? before.releases.find((r) => r.version === before.current) : undefined;
  const previousProject = previous ? releaseProject(project.flavor, layout, config.app, previous.version, previous.record ?? {}) : undefined;
  await lock.assertHeld();
  await log.group(`Starting ${release} (${config.rollback ? 'rollback' : config.strategy})`, async () => {
    if (config.strategy === 'stop-first' && previousProject) {
      // Two long-polling bots on one token make Telegram answer 409 Conflict: the old one is fully stopped first.
      // Only what the release replaces stops; its database keeps running.
      const stopping = servicesToStop(config.service, record);
      if (stopping === 'all' || stopping.length > 0) {
        log.info(`Stopping ${stopping === 'all' ? 'every service' : stopping.join(', ')} of ${previous?.version} first`);
        await runStep(session, `Stopping ${previous?.version}`, composeStop(previousProject, stopping));
      } else {
        log.info(`Nothing of ${previous?.version} to stop first: no service uses \${IMAGE} or \${VERSION}.`);
      }
    }
    try {
      await runStep(session, `Starting ${release}`, composeUp(project));
    } catch (error) {
      if (!previousProject || !(error instanceof StepError)) throw error;
      log.warning(`${release} did not start on ${session.host}; starting ${previous?.version} again.`);
      const restored = await session.exec(composeUp(previousProject)).catch(() => undefined);
      if (restored?.code === 0) throw error;
      throw new StepError(
        `${error.message.replace(/\.$/, '')}, and starting ${previous?.version} again failed too${restored ? ` (exit code ${restored.code})` : ''}: check what runs on ${session.host} now.`,
        error.exitCode,
      );
    }
    await runStep(session, 'Moving current', activateRelease(layout, release), { stream: false });
    log.info(`current -> releases/${release}`);
  });
}

/** Best effort: the new release already runs, so a release folder or image that will not go is a warning. */
async function prune(session: SshSession, config: DeployConfig, layout: ReleaseLayout, after: HostApp, log: Log): Promise<string[]> {
  const { state } = after;
  try {
    const plan = planPrune(after, config.keepReleases, [state.active, state.previous, after.current, config.version], state.history ?? []);
    if (plan.releases.length === 0) return [];
    return await log.group(`Pruning ${plan.releases.length} old release(s)`, async () => {
      await runStep(session, 'Removing old releases', removeReleaseDirs(layout, plan.releases));
      if (plan.images.length > 0) {
        const removal = await session.exec(dockerRemoveImages(plan.images));
        if (removal.code !== 0) log.warning(`Some old images on ${session.host} were kept (still in use or already gone).`);
      }
      return plan.releases;
    });
  } catch (error) {
    log.warning(`Old releases on ${session.host} were not pruned (the deploy itself succeeded): ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
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
