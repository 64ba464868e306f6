import { onHost } from '../support/lab-host.js';

/**
 * Starts a container on the lab host as root, labelled so removeAppContainers (and lab/down.sh)
 * find it. `args` go between the labels and the image.
 */
export function runLabContainer(app: string, image: string, args: string[] = []): string {
  const line = ['docker', 'run', '-d', '--label', `dev.bot-deploy.app=${app}`, '--label', 'dev.bot-deploy.lab=health-gate', ...args, image];
  return onHost(line.map((arg) => `'${arg}'`).join(' ')).trim();
}
