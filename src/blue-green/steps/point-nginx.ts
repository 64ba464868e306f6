import { UserError } from '../../errors/user-error.js';
import { readFileIfAny, removeFile, upstreamConf, userCommand } from '../../host/nginx-commands.js';
import { oneLine } from '../../log/one-line.js';
import type { HostContext } from '../../pipeline/host-context.js';
import { CommandError } from '../../ssh/command-error.js';

export interface NginxCommands {
  upstreamFile: string;
  testCommand: string;
  reloadCommand: string;
}

/**
 * Sends the app's traffic to `port`: the upstream file is replaced atomically (SFTP writes a
 * temporary file and renames it), nginx checks the configuration, and only then reloads. When the
 * check fails the previous file comes back and nothing is reloaded, so the old color keeps serving.
 */
export async function pointNginx(ctx: HostContext, nginx: NginxCommands, port: number): Promise<void> {
  await ctx.withLock(async () => {
    const { session, log, host } = ctx;
    await ctx.assertLockHeld();
    const before = (await session.run(readFileIfAny(nginx.upstreamFile), { what: `Reading ${nginx.upstreamFile}`, stream: false })).stdout;
    await session.writeFile(nginx.upstreamFile, upstreamConf(ctx.setup.app, port), 0o644);
    // What the next reload by anyone (certbot, an admin) would pick up must stay what serves now.
    const putBack = (): Promise<unknown> =>
      before ? session.writeFile(nginx.upstreamFile, before, 0o644) : session.run(removeFile(nginx.upstreamFile), { what: `Removing ${nginx.upstreamFile}`, stream: false });
    const test = await session.run(userCommand(nginx.testCommand), { what: 'The nginx test command', stream: false, allowFailure: true });
    if (test.code !== 0) {
      await putBack();
      const said = oneLine((test.stderr || test.stdout).trim()) || `exit code ${test.code}`;
      throw new UserError(`nginx rejected the configuration with the new upstream on ${host} (${said}); the previous ${nginx.upstreamFile} is back, nothing was reloaded and the old color still serves.`);
    }
    try {
      await session.run(userCommand(nginx.reloadCommand), { what: 'The nginx reload command', stream: false });
    } catch (error) {
      await putBack();
      throw error instanceof CommandError ? new UserError(`${error.message} The previous ${nginx.upstreamFile} is back; fix the reload command and re-run.`) : error;
    }
    log.info(`nginx on ${host} sends ${ctx.setup.app}'s traffic to 127.0.0.1:${port}`);
  });
}
