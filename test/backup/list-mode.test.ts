import { listMode } from '../../src/backup/modes/list-mode.js';
import { manifestKey } from '../../src/backup/object-keys.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import { MemoryStore } from '../support/memory-store.js';
import { fakeDump, storeDump } from '../support/stored-dump.js';

const location = { prefix: 'backups', app: 'shop', database: 'bot' };
const folder = 'backups/shop/bot/';

describe('listMode', () => {
  test('every backup newest first, with the manifest of the good ones; a broken manifest is a warning, not a failure', async () => {
    const store = new MemoryStore();
    const keys = Array.from({ length: 12 }, (_, day) => `${folder}202611${String(day + 10).padStart(2, '0')}T000000Z-v${day}.dump.zst`);
    for (const key of keys) await storeDump(store, key, fakeDump(1));
    const broken = keys[3] ?? '';
    store.put(manifestKey(broken), 'not json');
    const incomplete = `${folder}20261201T000000Z-v99.dump.zst`;
    store.put(incomplete, 'x');
    const log = new RecordingLog();

    const { backups } = await listMode({ location }, store, log);

    expect(backups.map((backup) => backup.key)).toEqual([incomplete, ...[...keys].reverse()]);
    expect(backups[0]).toMatchObject({ good: false });
    expect(backups[0]?.manifest).toBeUndefined();
    expect(backups.find((backup) => backup.key === broken)?.manifest).toBeUndefined();
    expect(backups.filter((backup) => backup.manifest?.key === backup.key)).toHaveLength(11);
    expect(log.lines).toEqual([`warning: Skipping the manifest of ${broken}: The manifest of ${broken} is not JSON: it was not written by this action.`]);
  });
});
