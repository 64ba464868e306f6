import type { SFTPWrapper } from 'ssh2';
import { writeFileAtomic, type FreeSpace } from '../../src/ssh/sftp-write.js';

type Callback = (error?: Error | null, value?: unknown) => void;

/** An SFTP server whose writes fail with `status` (4 is SSH_FX_FAILURE, 3 permission denied); records removals. */
function failingSftp(status: number): { sftp: SFTPWrapper; unlinked: string[] } {
  const unlinked: string[] = [];
  const fail = Object.assign(new Error(status === 4 ? 'Failure' : 'Permission denied'), { code: status });
  const sftp = {
    open: (_path: string, _flags: string, _attrs: object, done: Callback) => done(null, Buffer.from('handle')),
    write: (...args: unknown[]) => (args.at(-1) as Callback)(fail),
    close: (_handle: Buffer, done: Callback) => done(null),
    unlink: (path: string, done: Callback) => {
      unlinked.push(path);
      done(null);
    },
  };
  return { sftp: sftp as unknown as SFTPWrapper, unlinked };
}

const write = (status: number, freeSpace: FreeSpace) => {
  const { sftp, unlinked } = failingSftp(status);
  return { unlinked, written: writeFileAtomic(sftp, 'web1', '/opt/bot/releases/v1/.env', Buffer.from('TOKEN=x\n'), 0o600, freeSpace) };
};

describe('sftp-write writeFileAtomic', () => {
  it('says the disk is full when a write fails with a bare "Failure" and the folder has no room left', async () => {
    const asked: string[] = [];
    const { unlinked, written } = write(4, async (dir) => {
      asked.push(dir);
      return 0;
    });
    await expect(written).rejects.toThrow(
      'Writing /opt/bot/releases/v1/.env failed on web1: no space left on web1 (/opt/bot/releases/v1) — free some disk space.',
    );
    expect(asked).toEqual(['/opt/bot/releases/v1']);
    expect(unlinked).toEqual([expect.stringMatching(/^\/opt\/bot\/releases\/v1\/\.env\.tmp-[0-9a-f]+$/)]);
  });

  it('keeps the general sentence when the folder has room, or the host cannot say', async () => {
    const general = /^Could not write \/opt\/bot\/releases\/v1\/\.env on web1 \(write: Failure\): check that the directory exists/;
    await expect(write(4, async () => 10 * 1024 * 1024).written).rejects.toThrow(general);
    await expect(write(4, async () => undefined).written).rejects.toThrow(general);
  });

  it('does not ask about free space for a failure that has its own status', async () => {
    let asked = false;
    await expect(
      write(3, async () => {
        asked = true;
        return 0;
      }).written,
    ).rejects.toThrow(/\(write: Permission denied\)/);
    expect(asked).toBe(false);
  });
});
