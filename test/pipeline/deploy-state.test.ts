import { afterDeploy, afterRollback, rollbackCandidate, type DeployState } from '../../src/pipeline/deploy-state.js';

const now = new Date('2026-11-25T12:00:00Z');
const all = ['v1', 'v2', 'v3', 'v4'];
const deployAll = (...versions: string[]): DeployState => versions.reduce<DeployState>((state, v) => afterDeploy(state, v, all, now), {});
const rollBack = (state: DeployState, run = ''): DeployState => {
  const to = rollbackCandidate(state, state.active, all, run);
  if (!to) throw new Error('no candidate');
  return afterRollback(state, state.active, to, all, run, now);
};

describe('deploy state', () => {
  it('records deploys in order and names the one before as previous', () => {
    const state = deployAll('v1', 'v2');
    expect(state).toEqual({ active: 'v2', previous: 'v1', history: ['v1', 'v2'], updated: now.toISOString() });
    expect(rollbackCandidate(state, 'v2', all)).toBe('v1');
  });

  it('re-deploying the active release changes nothing but the time', () => {
    expect(deployAll('v1', 'v2', 'v2')).toMatchObject({ active: 'v2', previous: 'v1', history: ['v1', 'v2'] });
  });

  it('a rollback drops the release it left, so a later rollback never returns to it', () => {
    const once = rollBack(deployAll('v1', 'v2', 'v3'));
    expect(once).toMatchObject({ active: 'v2', previous: 'v1', history: ['v1', 'v2'] });
    const twice = rollBack(once);
    expect(twice).toMatchObject({ active: 'v1', history: ['v1'] });
    expect(twice.previous).toBeUndefined();
    expect(rollbackCandidate(twice, 'v1', all)).toBeUndefined();
  });

  it('a re-run of the same rollback run re-activates the same release instead of stepping back again', () => {
    const once = rollBack(deployAll('v1', 'v2', 'v3'), 'https://github.com/acme/bot/actions/runs/7');
    expect(rollbackCandidate(once, 'v2', all, 'https://github.com/acme/bot/actions/runs/7')).toBe('v2');
    expect(rollbackCandidate(once, 'v2', all, 'https://github.com/acme/bot/actions/runs/8')).toBe('v1');
    const rerun = rollBack(once, 'https://github.com/acme/bot/actions/runs/7');
    expect(rerun).toMatchObject({ active: 'v2', previous: 'v1', history: ['v1', 'v2'] });
  });

  it('a deploy ends the rollback: the next rollback steps back again', () => {
    const state = afterDeploy(rollBack(deployAll('v1', 'v2', 'v3'), 'run-7'), 'v4', all, now);
    expect(state.rolled_back_by).toBeUndefined();
    expect(rollbackCandidate(state, 'v4', all, 'run-7')).toBe('v2');
  });

  it('a rollback to a named release moves it to the end', () => {
    expect(afterRollback(deployAll('v1', 'v2', 'v3'), 'v3', 'v1', all, '', now)).toMatchObject({ active: 'v1', previous: 'v2', history: ['v2', 'v1'] });
  });

  it('forgets releases whose folder was pruned, so previous always exists', () => {
    const state = afterDeploy(deployAll('v1', 'v2'), 'v3', ['v2', 'v3'], now);
    expect(state).toMatchObject({ history: ['v2', 'v3'], previous: 'v2' });
    expect(afterRollback(state, 'v3', 'v2', ['v2', 'v3'], '', now).previous).toBeUndefined();
  });

  it('keeps fields other deploy tools own (the blue-green color)', () => {
    expect(afterDeploy({ color: 'green', history: ['v1'] }, 'v2', all, now)).toMatchObject({ color: 'green', active: 'v2', previous: 'v1' });
  });

  it('offers no rollback target without history, and skips releases whose folder was pruned', () => {
    expect(rollbackCandidate({}, 'v1', ['v1', 'v0'])).toBeUndefined();
    expect(rollbackCandidate({ history: ['v1', 'v2', 'v3'] }, 'v3', ['v1', 'v3'])).toBe('v1');
  });

  it('keeps a bounded history', () => {
    const versions = Array.from({ length: 80 }, (_, i) => `v${i}`);
    const state = versions.reduce<DeployState>((s, v) => afterDeploy(s, v, versions, now), {});
    expect(state.history).toHaveLength(50);
    expect(state.history?.[0]).toBe('v30');
  });
});
