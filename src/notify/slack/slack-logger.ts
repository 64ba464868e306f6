import { LogLevel, type Logger } from '@slack/web-api';
import type { Log } from '../../log/log.js';

/**
 * The Web API client's logger, writing to the step's debug log instead of the console. What matters
 * to a reader is said already: every answer that is not a success by AnswerWatch, a failure by its
 * sentence; the client's own lines (a rate-limit wait, "http request failed") would repeat them.
 */
export function slackLogger(log: Log): Logger {
  let level = LogLevel.DEBUG;
  const write = (...parts: unknown[]): void => log.debug(`Slack client: ${parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ')}`);
  return {
    debug: write,
    info: write,
    warn: write,
    error: write,
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
