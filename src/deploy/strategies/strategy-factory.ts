import { RecreateStrategy } from './recreate-strategy.js';
import { StopFirstStrategy } from './stop-first-strategy.js';
import type { SwitchStrategy } from './switch-strategy.js';

/** The strategies ssh-deploy switches by; `none` stages only and switches nothing. */
export const STRATEGIES = ['recreate', 'stop-first', 'none'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

export function switchStrategy(name: Exclude<StrategyName, 'none'>, options: { service: string }): SwitchStrategy {
  switch (name) {
    case 'recreate':
      return new RecreateStrategy();
    case 'stop-first':
      return new StopFirstStrategy(options.service);
  }
}
