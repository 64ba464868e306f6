import { checkMode } from '../../src/backup/modes/check-mode.js';
import { manifestKey } from '../../src/backup/object-keys.js';
import { MemoryStore } from '../support/memory-store.js';

const location = { prefix: 'backups', app: 'shop', database: 'bot' };
const good = 'backups/shop/bot/20261130T000000Z-v1.dump.zst';
const newerIncomplete = 'backups/shop/bot/20261130T120000Z-v2.dump.zst';
const hour = 3600_000;

function bucket(): MemoryStore {
  return new MemoryStore().put(good, 'x').put(manifestKey(good), '{}').put(newerIncomplete, 'x');
}

describe('checkMode', () => {
  test('the newest good backup counts, not a newer incomplete one; fresh up to max-age itself', async () => {
    const at = (hours: number): Date => new Date(Date.parse('2026-11-30T00:00:00Z') + hours * hour);
    expect(await checkMode({ location, maxAgeMs: 26 * hour }, bucket(), at(26))).toEqual({
      mode: 'check',
      newest: expect.objectContaining({ key: good }),
      ageMs: 26 * hour,
      fresh: true,
      maxAgeMs: 26 * hour,
    });
    expect(await checkMode({ location, maxAgeMs: 26 * hour }, bucket(), at(26.001))).toMatchObject({ fresh: false });
  });

  test('no good backup is not fresh', async () => {
    expect(await checkMode({ location, maxAgeMs: hour }, new MemoryStore().put(newerIncomplete, 'x'), new Date('2026-11-30T12:00:01Z'))).toEqual({ mode: 'check', fresh: false, maxAgeMs: hour });
  });
});
