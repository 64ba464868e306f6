import type { Clock } from '../../src/health/clock.js';

interface Timer {
  at: number;
  wake: () => void;
}

/**
 * Virtual time: `run` lets all pending work settle, then jumps to the earliest timer, until the
 * promise under test settles. Sleeps and probe latencies cost no real time and are exact.
 */
export class FakeClock implements Clock {
  private time = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer: Timer = { at: this.time + Math.max(0, ms), wake: resolve };
      this.timers.push(timer);
      signal?.addEventListener('abort', () => {
        this.timers = this.timers.filter((other) => other !== timer);
        resolve();
      }, { once: true });
    });
  }

  async run<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    promise.then(() => (settled = true), () => (settled = true));
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return promise;
      const next = this.timers.reduce<Timer | undefined>((soonest, timer) => (!soonest || timer.at < soonest.at ? timer : soonest), undefined);
      if (!next) throw new Error('nothing can make progress: the code under test waits on something that is not the clock');
      this.timers = this.timers.filter((timer) => timer !== next);
      this.time = next.at;
      next.wake();
    }
  }
}
