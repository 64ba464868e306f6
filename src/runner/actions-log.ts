import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import type { Log } from '../log/log.js';
import { secretParts } from '../log/secret-parts.js';

/** The Log of a real action run: the runner's workflow commands, with secrets masked by the runner. */
export const actionsLog: Log = {
  info: (line) => core.info(line),
  warning: (line) => core.warning(line),
  debug: (line) => core.debug(line),
  hostOutput(lines) {
    if (lines.length === 0) return;
    // The runner ignores every command until it sees `::<token>::`, and only we know the token: a
    // fresh one per batch, so nothing a host printed before can end a later block. The batch is
    // written synchronously, so none of our own commands (masks above all) can fall inside it.
    const token = randomBytes(16).toString('hex');
    core.info(`::stop-commands::${token}`);
    for (const line of lines) core.info(line);
    core.info(`::${token}::`);
  },
  mask(secret) {
    for (const part of secretParts(secret)) core.setSecret(part);
  },
  group: (title, work) => core.group(title, work),
};
