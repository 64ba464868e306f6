import type { HostApp } from '../../src/pipeline/host-app.js';
import { parseHostApp } from '../../src/pipeline/host-app.js';
import { planPrune } from '../../src/deploy/prune-plan.js';

const release = (version: string, day: number, image = 'ghcr.io/acme/bot') => ({
  version,
  record: { version, image, time: `2026-11-${String(day).padStart(2, '0')}T00:00:00.000Z` },
});

describe('prune plan', () => {
  const app: HostApp = {
    state: { active: 'v6', previous: 'v2' },
    current: 'v6',
    releases: [release('v1', 1), release('v2', 2), release('v3', 3), release('v4', 4), release('v5', 5), release('v6', 6)],
  };

  it('keeps the newest N and always the active and previous releases', () => {
    expect(planPrune(app, 3, ['v6', 'v2'], [])).toEqual({
      releases: ['v3', 'v1'],
      images: ['ghcr.io/acme/bot:v3', 'ghcr.io/acme/bot:v1'],
    });
  });

  it('removes nothing when there are no more than N', () => {
    expect(planPrune(app, 6, [], [])).toEqual({ releases: [], images: [] });
  });

  it('keeps releases that went live before newer ones that never ran', () => {
    // v5 and v6 were uploaded but failed before going live; v3 and v4 did go live.
    expect(planPrune(app, 2, ['v4'], ['v1', 'v2', 'v3', 'v4']).releases).toEqual(['v2', 'v1', 'v6', 'v5']);
  });

  it('never removes an image a kept release still uses', () => {
    const shared: HostApp = { state: {}, releases: [{ version: 'old', record: { version: 'v1', image: 'x', time: '2026-01-01' } }, release('v1', 2, 'x')] };
    expect(planPrune(shared, 1, [], [])).toEqual({ releases: ['old'], images: [] });
  });
});

describe('reading the app folder', () => {
  it('parses state, current and releases from one listing', () => {
    const listing = [
      '#state',
      '{"active":"v2","previous":"v1"}',
      '#current',
      'releases/v2',
      '',
      '#releases',
      'release v1 {"version":"v1","time":"2026-11-01"}',
      'release v2 {}',
    ].join('\n');
    expect(parseHostApp(listing)).toEqual({
      state: { active: 'v2', previous: 'v1' },
      current: 'v2',
      releases: [{ version: 'v1', record: { version: 'v1', time: '2026-11-01' } }, { version: 'v2', record: {} }],
    });
  });

  it('treats a missing app folder as empty', () => {
    expect(parseHostApp('')).toEqual({ state: {}, releases: [] });
  });
});
