import { Worker } from 'node:worker_threads';

/**
 * The worker's whole program. Inline code, because the action ships as one bundled file with no
 * separate worker script to point at.
 */
const MATCHER = `
const { parentPort, workerData } = require('node:worker_threads');
parentPort.postMessage(new RegExp(workerData.source, workerData.flags).test(workerData.text));
`;

/**
 * Whether `text` matches `pattern`, decided in a worker thread that `signal` terminates. A user's
 * pattern may backtrack without end (`^(a+)+$` against `aaaa…!`); run on the main thread it would
 * block the event loop, and with it every deadline.
 */
export function interruptibleTest(pattern: RegExp, text: string, signal: AbortSignal): Promise<boolean> {
  signal.throwIfAborted();
  return new Promise<boolean>((resolve, reject) => {
    const worker = new Worker(MATCHER, { eval: true, workerData: { source: pattern.source, flags: pattern.flags, text } });
    const finish = (settle: () => void): void => {
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      settle();
    };
    const onAbort = (): void => finish(() => reject(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (matched: boolean) => finish(() => resolve(matched)));
    worker.once('error', (error) => finish(() => reject(error)));
    worker.once('exit', (code) => finish(() => reject(new Error(`the expect-body matcher stopped (exit code ${code})`))));
  });
}
