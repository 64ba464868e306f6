import { CommandError, lastLine } from './command-error.js';
import { noSpaceIn, noSpaceSentence } from './no-space.js';
import type { ExecResult, RunOptions } from './types.js';

/**
 * The one exit-code policy of the transport: a command that times out always fails; one that exits
 * non-zero fails unless the caller said the exit code is its answer. A failure caused by a full disk
 * says so, whatever the tool's own words for it.
 */
export function checkExit(host: string, result: ExecResult, options: RunOptions): ExecResult {
  if (result.timedOut) {
    throw new CommandError(`${options.what} on ${host} did not finish within the command timeout and was stopped.`, result.code, true);
  }
  if (result.code !== 0 && !options.allowFailure) {
    const noSpace = noSpaceIn(`${result.stderr}\n${result.stdout}`);
    if (noSpace) throw new CommandError(noSpaceSentence(options.what, host, noSpace.path), result.code);
    // A streamed command's output is already in the log, and its last line is often progress noise
    // (compose's "Network ... Created", v1's bare exit code); a quiet command's last error line is the reason.
    const reason = options.stream === false ? `: ${lastLine(result.stderr) || lastLine(result.stdout) || 'no output'}` : '; its output is above';
    throw new CommandError(`${options.what} failed on ${host} with exit code ${result.code}${reason}.`, result.code);
  }
  return result;
}
