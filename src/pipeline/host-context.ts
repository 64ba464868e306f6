import { detectCompose, parseComposeFlavor, type ComposeFlavor } from '../host/compose-commands.js';
import { removeLeftoverDockerConfigs, removeLeftoverOneOffs } from '../host/docker-commands.js';
import { inspectApp, makeAppFolder } from '../host/release-commands.js';
import { releaseLayout, type ReleaseLayout } from '../host/release-layout.js';
import type { Log } from '../log/log.js';
import { CommandError } from '../ssh/command-error.js';
import type { SshSession } from '../ssh/types.js';
import { oneOffPending, type CleanupJournal, type HostCleanupEntry } from './cleanup-journal.js';
import { runUndos } from './undo.js';
import { DEFAULT_LOCK_TIMING, takeDeployLock, type HeldLock } from './deploy-lock.js';
import { parseHostApp, type HostApp } from './host-app.js';
import type { RunInfo } from './run-info.js';
import { messageOf } from '../errors/message-of.js';
import type { LockInputs } from './lock-inputs.js';

/** What every host of a run shares: where the app lives and how long to wait for another deploy. */
export interface HostSetup extends LockInputs {
  app: string;
  appDir: string;
  /** Overrides the lock's heartbeat and poll timing (tests). */
  lockTiming?: Partial<typeof DEFAULT_LOCK_TIMING>;
}

/** What a run brings to every host: where to report, who runs, and where to journal what must be undone. */
export interface RunEnv {
  log: Log;
  run: RunInfo;
  journal: CleanupJournal;
}

/**
 * One host for the length of a run, shared by every step (Kamal's `with_lock` around its
 * sub-commands): the session, the app layout, the compose flavor detected once, the app folder as
 * read once under the lock, and the deploy lock, re-entrant so that a step inside another never
 * waits on its own run and no other deploy slips in between two steps.
 */
export class HostContext {
  readonly layout: ReleaseLayout;
  private flavor: Promise<ComposeFlavor> | undefined;
  private app: HostApp | undefined;
  private lock: HeldLock | undefined;
  private depth = 0;

  constructor(
    readonly session: SshSession,
    readonly setup: HostSetup,
    readonly env: RunEnv,
  ) {
    this.layout = releaseLayout(setup.appDir);
  }

  get host(): string {
    return this.session.host;
  }

  get log(): Log {
    return this.env.log;
  }

  get run(): RunInfo {
    return this.env.run;
  }

  /** `docker compose` (v2) or `docker-compose` (v1), asked once per host. */
  compose(): Promise<ComposeFlavor> {
    this.flavor ??= this.log.group(`Preparing ${this.host}`, async () => {
      const answer = await this.session.run(detectCompose, { what: 'Detecting docker compose', stream: false });
      const detected = parseComposeFlavor(answer.stdout);
      if (!detected) {
        throw new CommandError(`Neither \`docker compose\` (v2) nor \`docker-compose\` (v1) works for ${this.host}'s deploy user; install one.`, 127);
      }
      this.log.info(`docker compose ${detected} on ${this.host}`);
      return detected;
    });
    return this.flavor;
  }

  /** The app folder (state.json, current, releases), read once under the lock and then kept up to date by the steps. */
  async hostApp(): Promise<HostApp> {
    this.requireLock('read the app folder');
    this.app ??= parseHostApp((await this.session.run(inspectApp(this.layout), { what: 'Reading the app folder', stream: false })).stdout);
    return this.app;
  }

  /** A step changed the app folder: later steps see the change without reading the host again. */
  updateHostApp(app: HostApp): void {
    this.app = app;
  }

  /** Runs `work` holding the host's deploy lock; nested calls (a step inside a pipeline) reuse it. */
  async withLock<T>(work: () => Promise<T>): Promise<T> {
    if (this.depth === 0) await this.takeLock();
    this.depth += 1;
    try {
      return await work();
    } finally {
      this.depth -= 1;
      if (this.depth === 0) await this.releaseLock();
    }
  }

  /** Undoes now what this run journaled of `kind` on this host (a login after its pull, a one-off after a timeout). */
  async undo(kind: Exclude<HostCleanupEntry['kind'], 'lock'>): Promise<void> {
    await runUndos(this.session, this.env.journal, this.log, [kind]);
  }

  /** Refreshes the lock right before something changes what runs; throws if another deploy took it. */
  async assertLockHeld(): Promise<void> {
    this.requireLock('change what runs');
    await this.lock?.assertHeld();
  }

  private requireLock(what: string): void {
    // A bug, not a user error: every step runs inside withLock.
    if (!this.lock) throw new Error(`A step tried to ${what} on ${this.host} without holding the deploy lock.`);
  }

  private async takeLock(): Promise<void> {
    await this.session.run(makeAppFolder(this.layout, this.layout.releasesDir), { what: 'Creating the app folder', stream: false });
    const { run, journal } = this.env;
    // Journaled first: a run killed between taking the lock and journaling it would leave a lock the
    // post step cannot see (releasing checks the token, so an early entry releases nothing of another's).
    journal.record({ kind: 'lock', host: this.host, lockFile: this.layout.lock, token: run.lockToken });
    const lock = await takeDeployLock(
      this.session,
      {
        ...DEFAULT_LOCK_TIMING,
        ...this.setup.lockTiming,
        lockFile: this.layout.lock,
        owner: run.owner,
        runUrl: run.runUrl,
        token: run.lockToken,
        timeoutMs: this.setup.lockTimeoutMs,
        staleMs: this.setup.lockStaleMs,
      },
      this.log,
    ).catch((error: unknown) => {
      journal.clear('lock', this.host);
      throw error;
    });
    this.lock = lock;
    // What another run left in the folder is read fresh under this lock.
    this.app = undefined;
    try {
      // A one-off container or a registry login of a run that died (its lock went stale) must not outlive it.
      await this.session.run(removeLeftoverOneOffs(this.setup.app), { what: 'Removing one-off containers of runs that died', stream: false });
      await this.session.run(removeLeftoverDockerConfigs(this.layout.appDir), { what: 'Removing registry logins of runs that died', stream: false });
    } catch (error) {
      await this.releaseLock();
      throw error;
    }
  }

  private async releaseLock(): Promise<void> {
    const lock = this.lock;
    this.lock = undefined;
    if (!lock) return;
    if (oneOffPending(this.env.journal, this.host)) {
      // Releasing would let the next deploy start a second migration beside ours; the lock goes stale instead.
      this.log.warning(`Keeping the deploy lock on ${this.host}: a one-off container of this run could not be stopped.`);
      await lock.keep();
      return;
    }
    try {
      await lock.release();
      this.env.journal.clear('lock', this.host);
    } catch (error) {
      this.log.warning(`Could not release the deploy lock on ${this.host} (${messageOf(error)}); the post step tries again.`);
    }
  }
}
