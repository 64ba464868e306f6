/**
 * How many SSH connections this process has opened (jump hops included). Benchmarks and tests read
 * it to prove that an action run reuses one connection per host instead of reconnecting per step.
 */
export const connectionStats = { opened: 0 };
