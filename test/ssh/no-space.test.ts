import { noSpaceIn, noSpaceSentence } from '../../src/ssh/no-space.js';

describe('no-space', () => {
  it.each([
    ['tee (the lock record)', 'tee: /srv/app/.lock.tmp: No space left on device', '/srv/app/.lock.tmp'],
    ['cp', "cp: error writing '/srv/app/releases/v1/compose.yml': No space left on device", '/srv/app/releases/v1/compose.yml'],
    ['mkdir, in a UTF-8 locale', 'mkdir: cannot create directory ‘/srv/app/releases’: No space left on device', '/srv/app/releases'],
    ['a dash redirection', 'sh: 1: cannot create /srv/app/.lock.guard: No space left on device', '/srv/app/.lock.guard'],
    ['docker', 'failed to register layer: write /var/lib/docker/tmp/x: no space left on device', '/var/lib/docker/tmp/x'],
  ])('finds a full disk reported by %s, and the file it names', (_tool, line, path) => {
    expect(noSpaceIn(`some progress\n${line}\nmore`)).toEqual({ path });
  });

  it('finds a full disk whose report names no file', () => {
    expect(noSpaceIn('cat: write error: No space left on device')).toEqual({});
  });

  it('finds nothing in other failures', () => {
    expect(noSpaceIn('tee: /srv/app/.lock.tmp: Permission denied\nsh: 1: printf: printf: I/O error')).toBeUndefined();
  });

  it('says what failed, where, and what to do, in one sentence', () => {
    expect(noSpaceSentence('Pulling images', 'web1', '/var/lib/docker')).toBe(
      'Pulling images failed on web1: no space left on web1 (/var/lib/docker) — free some disk space.',
    );
    expect(noSpaceSentence('Appending to /opt/bot/deploys.log', 'web1')).toBe(
      'Appending to /opt/bot/deploys.log failed on web1: no space left on web1 — free some disk space.',
    );
  });
});
