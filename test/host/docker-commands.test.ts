import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerLogin, listImageHolders, listMissingImages, makeDockerConfigDir, privateDockerConfig, removeLeftoverOneOffs } from '../../src/host/docker-commands.js';

describe('the private docker config of a registry login', () => {
  it('drops credential helpers, which would keep the password after the folder is gone', () => {
    const user = JSON.stringify({
      auths: { 'ghcr.io': { auth: 'b3RoZXI6bG9naW4=' } },
      credsStore: 'secretservice',
      credHelpers: { '123.dkr.ecr.us-east-1.amazonaws.com': 'ecr-login' },
      currentContext: 'rootless',
      proxies: { default: { httpProxy: 'http://proxy:3128' } },
    });
    expect(JSON.parse(privateDockerConfig(user))).toEqual({
      auths: { 'ghcr.io': { auth: 'b3RoZXI6bG9naW4=' } },
      currentContext: 'rootless',
      proxies: { default: { httpProxy: 'http://proxy:3128' } },
    });
  });

  it('starts empty when the user has no config, or one that is not JSON', () => {
    expect(JSON.parse(privateDockerConfig(''))).toEqual({});
    expect(JSON.parse(privateDockerConfig('[1]'))).toEqual({});
    expect(JSON.parse(privateDockerConfig('{oops'))).toEqual({});
  });

  it('makes a 0700 folder linking the user\'s CLI plugins and contexts (run for real by sh)', () => {
    const home = mkdtempSync(join(tmpdir(), 'home-'));
    mkdirSync(join(home, '.docker/cli-plugins'), { recursive: true });
    mkdirSync(join(home, '.docker/contexts'), { recursive: true });
    const dir = join(home, 'app/.docker-auth');
    mkdirSync(join(home, 'app'));
    const result = spawnSync('sh', ['-c', makeDockerConfigDir(dir)], { env: { HOME: home, PATH: process.env.PATH }, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(lstatSync(join(dir, 'cli-plugins')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'contexts'))).toBe(join(home, '.docker/contexts'));
    // Idempotent: a folder left by a killed deploy is replaced.
    expect(spawnSync('sh', ['-c', makeDockerConfigDir(dir)], { env: { HOME: home, PATH: process.env.PATH } }).status).toBe(0);
  });

  it('logs in with the password on stdin and the private config in the environment', () => {
    expect(dockerLogin('ghcr.io', 'octo cat', '/opt/bot/.docker-auth')).toBe(
      "env DOCKER_CONFIG=/opt/bot/.docker-auth docker login --username 'octo cat' --password-stdin ghcr.io",
    );
  });
});

/**
 * Runs a builder's command line for real under sh, with a `docker` on PATH that answers `ps` with
 * $FAKE_PS (or fails when $FAKE_PS_FAIL is set) and `image inspect <ref>` for the refs in $FAKE_IMAGES.
 */
function runWithFakeDocker(line: string, env: Record<string, string>): { status: number | null; stdout: string } {
  const bin = mkdtempSync(join(tmpdir(), 'fake-docker-'));
  writeFileSync(
    join(bin, 'docker'),
    [
      '#!/bin/sh',
      'case "$1" in',
      '  ps) [ -z "$FAKE_PS_FAIL" ] || { echo "Cannot connect to the Docker daemon" >&2; exit 1; }; printf \'%s\\n\' "$FAKE_PS" ;;',
      '  image) case "$FAKE_IMAGES" in *"|$3|"*) exit 0 ;; *) echo "No such image: $3" >&2; exit 1 ;; esac ;;',
      'esac',
    ].join('\n'),
  );
  chmodSync(join(bin, 'docker'), 0o755);
  const result = spawnSync('sh', ['-c', line], { env: { PATH: `${bin}:${process.env.PATH}`, ...env }, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout };
}

function writeRelease(dir: string, json: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'release.json'), json);
}

describe('listing what holds images on a host (run for real by sh)', () => {
  const root = mkdtempSync(join(tmpdir(), 'holders-'));
  writeRelease(join(root, 'apps/bot/releases/v1'), '{"version":"v1","image":"ghcr.io/acme/bot"}\n');
  writeRelease(join(root, 'apps/bot/releases/.staging-abc'), '{"version":"v2","image":"ghcr.io/acme/bot"}\n');
  // Pretty-printed by hand, in a folder with a space: still one line.
  writeRelease(join(root, 'apps/my bot/releases/v3'), '{\n  "version": "v3",\n  "image": "ghcr.io/acme/bot"\n}\n');
  writeRelease(join(root, 'elsewhere/far/releases/v7'), '{"version":"v7","image":"ghcr.io/acme/bot"}');
  writeRelease(join(root, 'elsewhere/unseen/releases/v8'), '{"version":"v8","image":"ghcr.io/acme/bot"}');
  const ps = [
    `ghcr.io/acme/bot:v7\t${root}/elsewhere/far/releases/v7`,
    'postgres:16\t',
    '3fbea23db357\t',
  ].join('\n');

  it('reports every container\'s image and the release folders of the apps next to this one and of every container', () => {
    const { status, stdout } = runWithFakeDocker(listImageHolders(`${root}/apps/bot/`), { FAKE_PS: ps });
    expect(status).toBe(0);
    expect(stdout.trim().split('\n').sort()).toEqual(
      [
        'container ghcr.io/acme/bot:v7',
        'container postgres:16',
        'container 3fbea23db357',
        'release {"version":"v1","image":"ghcr.io/acme/bot"}',
        'release {"version":"v2","image":"ghcr.io/acme/bot"}',
        'release {  "version": "v3",  "image": "ghcr.io/acme/bot"}',
        'release {"version":"v7","image":"ghcr.io/acme/bot"}',
      ].sort(),
    );
  });

  it('fails, so that nothing is removed, when docker cannot list the containers', () => {
    const { status, stdout } = runWithFakeDocker(listImageHolders(`${root}/apps/bot`), { FAKE_PS: ps, FAKE_PS_FAIL: '1' });
    expect(status).toBe(1);
    expect(stdout).toBe('');
  });

  it('names the references docker does not have, each passed as one argument', () => {
    const line = listMissingImages(['ghcr.io/acme/bot:v1', "odd 'name'", 'postgres:16']);
    const { status, stdout } = runWithFakeDocker(line, { FAKE_IMAGES: '|postgres:16|' });
    expect(status).toBe(0);
    expect(stdout).toBe("ghcr.io/acme/bot:v1\nodd 'name'\n");
  });
});

describe('removing the one-off containers of runs that died (run for real by sh)', () => {
  it('fails when docker cannot list containers, instead of reporting that none were left', () => {
    expect(runWithFakeDocker(removeLeftoverOneOffs('bot'), { FAKE_PS_FAIL: '1' }).status).not.toBe(0);
  });

  it('succeeds when there is none', () => {
    expect(runWithFakeDocker(removeLeftoverOneOffs('bot'), { FAKE_PS: '' }).status).toBe(0);
  });
});
