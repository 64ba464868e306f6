import { afterDeploy, afterRollback, rollbackCandidate, type DeployState } from '../../src/deploy/deploy-state.js';

const now = new Date('2026-11-25T12:00:00Z');

describe('deploy state', () => {
  it('records deploys in order and names the one before as previous', () => {
    const state = afterDeploy(afterDeploy({}, 'v1', now), 'v2', now);
    expect(state).toEqual({ active: 'v2', previous: 'v1', history: ['v1', 'v2'], updated: now.toISOString() });
    expect(rollbackCandidate(state, 'v2', ['v1', 'v2'])).toBe('v1');
  });

  it('re-deploying the active release changes nothing but the time', () => {
    const state = afterDeploy(afterDeploy(afterDeploy({}, 'v1', now), 'v2', now), 'v2', now);
    expect(state).toMatchObject({ active: 'v2', previous: 'v1', history: ['v1', 'v2'] });
  });

  it('a rollback drops the release it left, so repeating it never returns to that release', () => {
    const deployed = afterDeploy(afterDeploy(afterDeploy({}, 'v1', now), 'v2', now), 'v3', now);
    const rolledBack = afterRollback(deployed, 'v3', rollbackCandidate(deployed, 'v3', ['v1', 'v2', 'v3']) ?? '', now);
    expect(rolledBack).toMatchObject({ active: 'v2', previous: 'v1', history: ['v1', 'v2'] });
    const again = afterRollback(rolledBack, 'v2', rollbackCandidate(rolledBack, 'v2', ['v1', 'v2', 'v3']) ?? '', now);
    expect(again).toMatchObject({ active: 'v1', history: ['v1'] });
    expect(again.previous).toBeUndefined();
    expect(rollbackCandidate(again, 'v1', ['v1', 'v2', 'v3'])).toBeUndefined();
  });

  it('a rollback to a named release moves it to the end', () => {
    const deployed = afterDeploy(afterDeploy(afterDeploy({}, 'v1', now), 'v2', now), 'v3', now);
    expect(afterRollback(deployed, 'v3', 'v1', now)).toMatchObject({ active: 'v1', previous: 'v2', history: ['v2', 'v1'] });
  });

  it('keeps fields other deploy tools own (the blue-green color)', () => {
    const state: DeployState = { color: 'green', history: ['v1'] };
    expect(afterDeploy(state, 'v2', now)).toMatchObject({ color: 'green', active: 'v2', previous: 'v1' });
  });

  it('offers no rollback target without history, and skips releases whose folder was pruned', () => {
    expect(rollbackCandidate({}, 'v1', ['v1', 'v0'])).toBeUndefined();
    expect(rollbackCandidate({ history: ['v1', 'v2', 'v3'] }, 'v3', ['v1', 'v3'])).toBe('v1');
  });

  it('keeps a bounded history', () => {
    let state: DeployState = {};
    for (let i = 0; i < 80; i++) state = afterDeploy(state, `v${i}`, now);
    expect(state.history).toHaveLength(50);
    expect(state.history?.[0]).toBe('v30');
  });
});
