import { oneLine } from '../log/one-line.js';
import type { ExecOptions, ExecResult, SshSession } from '../ssh/types.js';

/** A host command that failed; the message is the one sentence the user sees. */
export class StepError extends Error {
  override readonly name = 'StepError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Runs one step of a deploy on a host, turning a non-zero exit or a timeout into a StepError. */
export async function runStep(session: SshSession, what: string, commandLine: string, options: ExecOptions = {}): Promise<ExecResult> {
  const result = await session.exec(commandLine, options);
  if (result.timedOut) {
    throw new StepError(`${what} on ${session.host} did not finish within the command timeout and was stopped.`, result.code);
  }
  if (result.code !== 0) {
    // A streamed step's output is already in the log, and its last line is often progress noise
    // (compose's "Network ... Created", v1's bare exit code); a quiet step's last error line is the reason.
    const reason = options.stream === false ? `: ${lastLine(result.stderr) || lastLine(result.stdout) || 'no output'}` : '; its output is above';
    throw new StepError(`${what} failed on ${session.host} with exit code ${result.code}${reason}.`, result.code);
  }
  return result;
}

/** The last non-empty line of a command's output, without a final period (it ends our sentence). */
export const lastLine = (text: string): string => oneLine(text.trim().split('\n').pop()?.trim().replace(/\.$/, '') ?? '');
