import { establishedConnections } from '../../host/nginx-commands.js';
import type { HostContext } from '../../pipeline/host-context.js';

/**
 * Waits until the old color serves no connection (nginx's old workers finish their requests after
 * a reload), at most `timeoutMs`; returns how long it waited.
 */
export async function drain(ctx: HostContext, port: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const answer = await ctx.session.run(establishedConnections(port), { what: 'Counting connections to the old color', stream: false, allowFailure: true });
    const open = Number(answer.stdout.trim());
    const waited = Date.now() - started;
    if (answer.code !== 0 || !Number.isFinite(open) || open === 0) return waited;
    if (waited >= timeoutMs) {
      ctx.log.warning(`${open} connection(s) to the old color on ${ctx.host} were still open at drain-timeout; stopping it anyway.`);
      return waited;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(250, timeoutMs - waited)));
  }
}
