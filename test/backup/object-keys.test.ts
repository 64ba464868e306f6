import { backupFolder, dumpExtension, dumpKey, dumpTimeIn, keyTime, manifestKey } from '../../src/backup/object-keys.js';

const location = { prefix: 'backups', app: 'shop', database: 'bot' };

describe('object keys', () => {
  test('the folder leaves out an empty prefix, and never starts or doubles a slash', () => {
    expect(backupFolder(location)).toBe('backups/shop/bot/');
    expect(backupFolder({ ...location, prefix: '' })).toBe('shop/bot/');
    expect(backupFolder({ ...location, prefix: 'a/b' })).toBe('a/b/shop/bot/');
  });

  test('keyTime is ISO 8601 basic in UTC, to the second', () => {
    expect(keyTime(new Date('2026-11-30T23:27:46.999Z'))).toBe('20261130T232746Z');
    expect(keyTime(new Date('2026-01-02T03:04:05+02:00'))).toBe('20260102T010405Z');
  });

  test('keys sort like the times they name', () => {
    const times = ['2026-11-30T23:27:46Z', '2026-01-01T00:00:00Z', '2025-12-31T23:59:59Z', '2026-11-30T09:00:00Z', '2026-10-01T00:00:00Z', '2099-01-01T00:00:00Z'].map((text) => new Date(text));
    const byKey = [...times].sort((a, b) => (keyTime(a) < keyTime(b) ? -1 : 1));
    const byTime = [...times].sort((a, b) => a.getTime() - b.getTime());
    expect(byKey).toEqual(byTime);
  });

  test('dumpTimeIn reads back the time of dumpKey, to the second, and not of its manifest', () => {
    const time = new Date('2026-11-30T23:27:46.512Z');
    const key = dumpKey(location, time, 'v1.2.3', 'zstd', true);
    expect(dumpTimeIn(backupFolder(location), key)).toEqual(new Date('2026-11-30T23:27:46Z'));
    expect(dumpTimeIn(backupFolder(location), manifestKey(key))).toBeUndefined();
  });

  test.each([
    'backups/shop/bot/notes.txt',
    'backups/shop/bot/20261130T232746Z.dump',
    'backups/shop/bot/20261130T232746-v1.dump',
    'backups/shop/bot/2026113T232746Z-v1.dump',
    'backups/shop/bot/20261399T999999Z-v1.dump',
    'backups/shop/bot/20250101T000000Z-readme.txt',
    'backups/shop/bot/archive/20250101T000000Z-v0.dump.zst',
    'backups/shop/bot/20250101T000000Z-v0.dump.bz2',
    'backups/shop/other/20250101T000000Z-v0.dump',
  ])('dumpTimeIn: %s is not one of ours', (key) => {
    expect(dumpTimeIn('backups/shop/bot/', key)).toBeUndefined();
  });

  test.each([
    ['zstd', false, 'dump.zst'],
    ['zstd', true, 'dump.zst.age'],
    ['gzip', false, 'dump.gz'],
    ['gzip', true, 'dump.gz.age'],
    ['none', false, 'dump'],
    ['none', true, 'dump.age'],
  ] as const)('a %s dump (encrypted: %s) ends in .%s', (compression, encrypted, extension) => {
    expect(dumpExtension(compression, encrypted)).toBe(extension);
    expect(dumpKey(location, new Date('2026-11-30T23:27:46Z'), 'v1.2.3', compression, encrypted)).toBe(`backups/shop/bot/20261130T232746Z-v1.2.3.${extension}`);
  });

  test('the manifest sits next to its dump', () => {
    expect(manifestKey('backups/shop/bot/20261130T232746Z-v1.dump.zst')).toBe('backups/shop/bot/20261130T232746Z-v1.dump.zst.manifest.json');
  });
});
