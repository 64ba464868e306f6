import { httpGet, onHost } from '../support/lab-host.js';

/**
 * Starts a container on the lab host as root, labelled so removeAppContainers (and lab/down.sh)
 * find it. `args` go between the labels and the image.
 */
export function runLabContainer(app: string, image: string, args: string[] = []): string {
  const line = ['docker', 'run', '-d', '--label', `dev.bot-deploy.app=${app}`, '--label', 'dev.bot-deploy.lab=health-gate', ...args, image];
  return onHost(line.map((arg) => `'${arg}'`).join(' ')).trim();
}

/**
 * Waits until something answers HTTP on the host's port, whatever the status: tests with short
 * deadlines must see the app's answer, not a container still starting on a loaded machine.
 */
export async function waitForAnswer(port: number, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await httpGet(`http://127.0.0.1:${port}/health`)).status === 0) {
    if (Date.now() > until) throw new Error(`nothing answered on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
