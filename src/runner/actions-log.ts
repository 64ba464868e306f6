import * as core from '@actions/core';
import type { Log } from '../log/log.js';

/** The Log of a real action run: the runner's workflow commands, with secrets masked by the runner. */
export const actionsLog: Log = {
  info: (line) => core.info(line),
  warning: (line) => core.warning(line),
  debug: (line) => core.debug(line),
  mask(secret) {
    // The runner masks a value only where it appears whole; multi-line secrets (keys, dotenv files)
    // are registered line by line as well.
    for (const part of new Set([secret, ...secret.split(/\r?\n/)])) {
      if (part.trim() !== '') core.setSecret(part);
    }
  },
  group: (title, work) => core.group(title, work),
};
