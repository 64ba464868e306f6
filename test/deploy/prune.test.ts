import { prune } from '../../src/deploy/steps/prune.js';
import { scriptedContext } from '../support/scripted-context.js';
import { ScriptedSession } from '../support/scripted-session.js';

const release = (version: string, day: number): string =>
  `release ${version} ${JSON.stringify({ version, image: 'ghcr.io/acme/bot', time: `2026-11-0${day}T00:00:00.000Z` })}`;

/** bot on web1: v3 active, v2 previous; with keep-releases 1, v1 and v0 go. */
function host(): ScriptedSession {
  return new ScriptedSession().on('#releases', {
    stdout: ['#state', '{"active":"v3","previous":"v2","history":["v1","v2","v3"]}', '#current', 'releases/v3', '#releases', release('v0', 1), release('v1', 2), release('v2', 3), release('v3', 4)].join('\n'),
  });
}

const holdersListing = 'com.docker.compose.project.working_dir';

describe('the prune step', () => {
  it("removes the old releases' folders, and of their images only those no container or other release uses", async () => {
    // Another app's release still names v1; a container (any app's) runs v3.
    const session = host().on(holdersListing, { stdout: 'container ghcr.io/acme/bot:v3\nrelease {"version":"v1","image":"ghcr.io/acme/bot"}\n' });
    const { ctx, log } = scriptedContext(session);
    expect(await prune(ctx, 1, ['v3'])).toEqual({ releases: ['v1', 'v0'], images: ['ghcr.io/acme/bot:v0'] });
    expect(session.lines).toContain('rm -rf -- /opt/bot/releases/v1 /opt/bot/releases/v0');
    expect(session.lines).toContain('docker image rm ghcr.io/acme/bot:v0');
    expect(log.text).toContain('Keeping ghcr.io/acme/bot:v1: still used by a container or another release on web1.');
  });

  it('keeps the release a blue-green color still runs (a warm color), whatever keep-releases says', async () => {
    const session = new ScriptedSession()
      .on('#releases', {
        stdout: ['#state', '{"active":"v3","previous":"v2","history":["v1","v2","v3"],"color":"green","colors":{"green":"v3","blue":"v1"}}', '#current', 'releases/v3', '#releases', release('v0', 1), release('v1', 2), release('v2', 3), release('v3', 4)].join('\n'),
      })
      .on(holdersListing, { stdout: '' });
    const { ctx } = scriptedContext(session);
    expect((await prune(ctx, 1, ['v3'])).releases).toEqual(['v0']);
  });

  it('removes no image when docker cannot say what uses them', async () => {
    const session = host().on(holdersListing, { code: 1, stderr: 'Cannot connect to the Docker daemon' });
    const { ctx, log } = scriptedContext(session);
    expect(await prune(ctx, 1, ['v3'])).toEqual({ releases: ['v1', 'v0'], images: [] });
    expect(session.count('docker image rm')).toBe(0);
    expect(log.text).toContain('warning: Old images on web1 were kept: docker could not list the containers that might use them.');
  });
});
