import { composeUp, detectCompose } from '../../src/host/compose-commands.js';
import { inspectApp } from '../../src/host/release-commands.js';
import type { DeployConfig } from '../../src/deploy/deploy-config.js';
import { releaseProject } from '../../src/deploy/host-release.js';
import { composeServices } from '../../src/deploy/release-files.js';
import { releaseLayout } from '../../src/host/release-layout.js';
import { ScriptedSession } from './scripted-session.js';
import { testSetup } from './scripted-context.js';

const composeFile = { name: 'compose.yml', text: 'services:\n  bot:\n    image: ${IMAGE}\n  db:\n    image: postgres:16\n' };

/** ssh-deploy's validated inputs for the scripted host `web1`: deploy v2 of `registry.example/bot` by recreate. */
export function deployConfig(overrides: Partial<DeployConfig> = {}): DeployConfig {
  return {
    targets: [target('web1')],
    app: testSetup.app,
    appDir: testSetup.appDir,
    version: 'v2',
    image: 'registry.example/bot',
    composeFiles: [composeFile],
    services: composeServices([composeFile]),
    env: 'BOT_TOKEN=123\n',
    preDeploy: '',
    service: 'bot',
    strategy: 'recreate',
    keepReleases: 5,
    rollback: false,
    lockTimeoutMs: testSetup.lockTimeoutMs,
    lockStaleMs: testSetup.lockStaleMs,
    ...overrides,
  };
}

export function target(host: string): DeployConfig['targets'][number] {
  return { host, port: 22, username: 'deploy', privateKey: 'unused', hostKeys: { kind: 'insecure' }, connectTimeoutMs: 1000, commandTimeoutMs: 0 };
}

export const layout = releaseLayout(testSetup.appDir);

/**
 * A host with compose v2 where `current` is releases/v1, the release of `registry.example/bot`
 * whose own service is `bot`: every other command succeeds silently unless a test scripts it.
 */
export function hostRunningV1(host = 'web1'): ScriptedSession {
  const record = { version: 'v1', image: 'registry.example/bot', compose_files: ['compose.yml'], release_services: ['bot'] };
  return new ScriptedSession(host)
    .on(detectCompose, { stdout: 'v2\n' })
    .on(inspectApp(layout), {
      stdout: ['#state', JSON.stringify({ active: 'v1' }), '#current', 'releases/v1', '#releases', `release v1 ${JSON.stringify(record)}`, ''].join('\n'),
    });
}

/** The project of release `version` of `registry.example/bot` on the scripted host. */
export const project = (version: string): ReturnType<typeof releaseProject> =>
  releaseProject('v2', testSetup.app, layout.releaseDir(version), { version, image: 'registry.example/bot', compose_files: ['compose.yml'] });

/** The `up` that starts release `version`. */
export const upOf = (version: string): string => composeUp(project(version));
