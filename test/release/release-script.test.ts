import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = join(new URL('../..', import.meta.url).pathname, 'scripts/release.sh');

// A scratch identity and no user or system config, so the tests see only what they set up.
const gitEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Release Test',
  GIT_AUTHOR_EMAIL: 'release@example.test',
  GIT_COMMITTER_NAME: 'Release Test',
  GIT_COMMITTER_EMAIL: 'release@example.test',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  RELEASE_SKIP_CHECKS: '1',
};

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A repository on main with one commit, and a bare repository as its origin (main pushed). */
class ScratchRepo {
  readonly dir = mkdtempSync(join(tmpdir(), 'bot-deploy-release-'));
  readonly work = join(this.dir, 'work');
  readonly origin = join(this.dir, 'origin.git');

  constructor() {
    execFileSync('git', ['init', '--quiet', '--bare', '-b', 'main', this.origin], { env: gitEnv });
    execFileSync('git', ['init', '--quiet', '-b', 'main', this.work], { env: gitEnv });
    this.git('remote', 'add', 'origin', this.origin);
    this.commit('first');
    this.git('push', '--quiet', '-u', 'origin', 'main');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.work, env: gitEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  }

  /** The commit a ref resolves to here (or in `repo`), or undefined when it does not exist. */
  commitOf(ref: string, repo = this.work): string | undefined {
    const result = spawnSync('git', ['rev-parse', '--quiet', '--verify', `${ref}^{commit}`], { cwd: repo, env: gitEnv, encoding: 'utf8' });
    return result.status === 0 ? result.stdout.trim() : undefined;
  }

  /** A new commit on main, pushed to origin unless told not to; returns its SHA. */
  commit(name: string, { publish = true } = {}): string {
    writeFileSync(join(this.work, `${name}.txt`), `${name}\n`);
    this.git('add', `${name}.txt`);
    this.git('commit', '--quiet', '-m', name);
    if (publish && this.commitOf('refs/remotes/origin/main')) this.git('push', '--quiet', 'origin', 'main');
    return this.git('rev-parse', 'HEAD');
  }

  release(...args: string[]): Run {
    const result = spawnSync('bash', [script, ...args], { cwd: this.work, env: gitEnv, encoding: 'utf8' });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('scripts/release.sh', () => {
  let repo: ScratchRepo;
  beforeEach(() => {
    repo = new ScratchRepo();
  });
  afterEach(() => repo.remove());

  it('tags a release, moves v1 to it, and prints the push commands without pushing', () => {
    const head = repo.git('rev-parse', 'HEAD');
    const run = repo.release('v1.0.0');
    expect(run.status).toBe(0);
    expect(repo.commitOf('refs/tags/v1.0.0')).toBe(head);
    expect(repo.commitOf('refs/tags/v1')).toBe(head);
    // The release tag is annotated (a record); the major tag a plain pointer.
    expect(repo.git('cat-file', '-t', 'refs/tags/v1.0.0')).toBe('tag');
    expect(repo.git('cat-file', '-t', 'refs/tags/v1')).toBe('commit');
    expect(run.stdout).toContain('git push origin refs/tags/v1.0.0\n');
    expect(run.stdout).toContain('git push --force origin refs/tags/v1\n');
    expect(repo.commitOf('refs/tags/v1.0.0', repo.origin)).toBeUndefined();
    expect(repo.commitOf('refs/tags/v1', repo.origin)).toBeUndefined();
  });

  it('with --push publishes both tags, and a second release moves v1 on origin too', () => {
    const first = repo.git('rev-parse', 'HEAD');
    expect(repo.release('v1.0.0', '--push').status).toBe(0);
    expect(repo.commitOf('refs/tags/v1.0.0', repo.origin)).toBe(first);
    expect(repo.commitOf('refs/tags/v1', repo.origin)).toBe(first);

    const second = repo.commit('second');
    const run = repo.release('--push', 'v1.1.0');
    expect(run.status).toBe(0);
    expect(repo.commitOf('refs/tags/v1.1.0', repo.origin)).toBe(second);
    expect(repo.commitOf('refs/tags/v1', repo.origin)).toBe(second);
    expect(repo.commitOf('refs/tags/v1', repo.work)).toBe(second);
    // The earlier release stays where it was.
    expect(repo.commitOf('refs/tags/v1.0.0', repo.origin)).toBe(first);
    expect(repo.git('describe', '--tags', second)).toBe('v1.1.0');
  });

  it('starts v2 beside v1 without touching it', () => {
    const first = repo.git('rev-parse', 'HEAD');
    expect(repo.release('v1.4.2').status).toBe(0);
    const second = repo.commit('second');
    expect(repo.release('v2.0.0').status).toBe(0);
    expect(repo.commitOf('refs/tags/v1')).toBe(first);
    expect(repo.commitOf('refs/tags/v2')).toBe(second);
  });

  it.each(['1.2.3', 'v1.2', 'v1.2.3-rc.1', 'v01.2.3', 'v1.2.3.4', 'latest'])('refuses the version "%s"', (version) => {
    const run = repo.release(version);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/is not a version like v1\.2\.3/);
    expect(repo.git('tag', '--list')).toBe('');
  });

  it('refuses a work tree with changes or untracked files', () => {
    writeFileSync(join(repo.work, 'first.txt'), 'edited\n');
    let run = repo.release('v1.0.0');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/changes or untracked files/);
    repo.git('checkout', '--', 'first.txt');
    writeFileSync(join(repo.work, 'stray.txt'), 'new\n');
    run = repo.release('v1.0.0');
    expect(run.status).not.toBe(0);
    expect(repo.commitOf('refs/tags/v1.0.0')).toBeUndefined();
    expect(repo.commitOf('refs/tags/v1')).toBeUndefined();
  });

  it('refuses a branch other than main, and a main that is not at origin/main', () => {
    repo.git('switch', '--quiet', '-c', 'feature');
    let run = repo.release('v1.0.0');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/from main/);
    repo.git('switch', '--quiet', 'main');
    repo.commit('unpushed', { publish: false });
    run = repo.release('v1.0.0');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/not at origin\/main/);
    expect(repo.git('tag', '--list')).toBe('');
  });

  it('refuses a tag that already exists, leaving it and v1 where they were', () => {
    const first = repo.git('rev-parse', 'HEAD');
    expect(repo.release('v1.0.0').status).toBe(0);
    repo.commit('second');
    const run = repo.release('v1.0.0');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/already exists/);
    expect(repo.commitOf('refs/tags/v1.0.0')).toBe(first);
    expect(repo.commitOf('refs/tags/v1')).toBe(first);
  });

  it('refuses a version older than the newest of its major, so v1 never moves backwards', () => {
    expect(repo.release('v1.2.0').status).toBe(0);
    const released = repo.git('rev-parse', 'HEAD');
    repo.commit('second');
    for (const older of ['v1.1.9', 'v1.0.5']) {
      const run = repo.release(older);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/not higher than v1\.2\.0/);
      expect(repo.commitOf(`refs/tags/${older}`)).toBeUndefined();
    }
    expect(repo.commitOf('refs/tags/v1')).toBe(released);
    // Numerically, not as text: v1.10.0 is newer than v1.2.0.
    expect(repo.release('v1.10.0').status).toBe(0);
    repo.commit('third');
    expect(repo.release('v1.9.0').status).not.toBe(0);
  });

  it('refuses to move v1 to a commit that does not contain the one it points at', () => {
    repo.git('switch', '--quiet', '-c', 'side');
    const side = repo.commit('side', { publish: false });
    repo.git('tag', 'v1', side);
    repo.git('switch', '--quiet', 'main');
    const run = repo.release('v1.0.0');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/does not contain/);
    expect(repo.commitOf('refs/tags/v1')).toBe(side);
  });

  it('runs npm run check-dist unless RELEASE_SKIP_CHECKS=1, and refuses when it fails', () => {
    // The scratch repository has no package.json, so check-dist fails as it would on a stale dist/.
    const result = spawnSync('bash', [script, 'v1.0.0'], { cwd: repo.work, env: { ...gitEnv, RELEASE_SKIP_CHECKS: '' }, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/check-dist failed/);
    expect(repo.git('tag', '--list')).toBe('');
  });
});
