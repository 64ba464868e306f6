import { InputError } from './input-error.js';
import { outerNames, type InputRoutes } from './inputs.js';

/**
 * Reads another action's inputs through `routes`; a complaint about one of them names the input as
 * the workflow wrote it (`backup-verify`), not as the other action calls it (`verify`).
 */
export function readRouted<T>(routes: InputRoutes, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const outerName = outerNames(routes);
    throw new InputError(error.message.replace(/`([a-z0-9-]+)`/g, (quoted: string, name: string) => (outerName.has(name) ? `\`${outerName.get(name)}\`` : quoted)));
  }
}
