import type { ActionExecutor, Scenario } from './job-simulation.js';

/**
 * Action steps that do not run: each succeeds, or fails when the scenario names it in `failing`
 * (by id or name), and sets the outputs the scenario gives its id. For checking a workflow's
 * conditions and values without a host.
 */
export function scriptedActions(scenario: Pick<Scenario, 'failing' | 'outputs'>): ActionExecutor {
  return async ({ label }) => ({
    outcome: scenario.failing?.includes(label) ? 'failure' : 'success',
    outputs: scenario.outputs?.[label] ?? {},
  });
}
