import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerLogin, makeDockerConfigDir, privateDockerConfig } from '../../src/host/docker-commands.js';

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
