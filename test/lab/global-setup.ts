import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const upScript = fileURLToPath(new URL('../../lab/up.sh', import.meta.url));

/**
 * Brings the droplet lab up once per test run. The lab is left running afterwards: reruns are
 * then instant, and CI machines are thrown away anyway.
 */
export default function startLab(): void {
  const result = spawnSync('bash', [upScript], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 10 * 60_000 });
  if (result.error) {
    throw new Error(`Could not run lab/up.sh (${result.error.message}); the tests need the droplet lab.`);
  }
  if (result.status !== 0) {
    throw new Error(
      `lab/up.sh failed (exit ${result.status ?? result.signal}), so the tests cannot use the droplet lab: ` +
        'read its error above, fix it, and check with `bash lab/up.sh`.',
    );
  }
}
