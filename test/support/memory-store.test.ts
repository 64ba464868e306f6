import { PassThrough, Readable } from 'node:stream';
import { MemoryStore } from './memory-store.js';

/** The double must keep BackupStore's contract, or the tests built on it prove nothing. */
describe('MemoryStore', () => {
  test('stores an upload only once its body ended without error', async () => {
    const store = new MemoryStore();
    await expect(store.upload('a/x', Readable.from([Buffer.from('12'), Buffer.from('345')]), 'text/plain')).resolves.toEqual({ bytes: 5 });
    expect(store.bytes('a/x').toString()).toBe('12345');

    const body = new PassThrough();
    const failure = new Error('pg_dump failed');
    const upload = store.upload('a/y', body, 'text/plain');
    body.write('half');
    body.destroy(failure);
    await expect(upload).rejects.toBe(failure);
    expect(store.keys).toEqual(['a/x']);
  });

  test('a failing upload destroys its body, so whatever feeds it stops', async () => {
    const failure = new Error('HTTP 503');
    const store = new MemoryStore().failUploads({ afterBytes: 3, error: failure });
    const body = new PassThrough();
    const upload = store.upload('a/x', body, 'text/plain');
    body.write('12');
    body.write('34');
    await expect(upload).rejects.toBe(failure);
    expect(body.destroyed).toBe(true);
    expect(store.keys).toEqual([]);
  });

  test('an aborted upload stores nothing and destroys its body', async () => {
    const store = new MemoryStore();
    const stop = new AbortController();
    const body = new PassThrough();
    const upload = store.upload('a/x', body, 'text/plain', stop.signal);
    body.write('12');
    stop.abort(new Error('stopped'));
    await expect(upload).rejects.toThrow('stopped');
    expect(body.destroyed).toBe(true);
    expect(store.keys).toEqual([]);
  });

  test('lists a folder only, reads what it stores, and refuses a missing key in BackupStore\'s sentence', async () => {
    const store = new MemoryStore().put('a/b/1', 'one').put('a/bc/2', 'two').readInChunksOf(1);
    expect((await store.list('a/b/')).map((object) => [object.key, object.size])).toEqual([['a/b/1', 3]]);
    await expect(store.list('a/b')).rejects.toThrow("A store folder ends in '/'");
    const chunks: Buffer[] = [];
    for await (const chunk of await store.read('a/b/1')) chunks.push(chunk as Buffer);
    expect(chunks.map((chunk) => chunk.toString())).toEqual(['o', 'n', 'e']);
    await expect(store.readText('a/b/2')).rejects.toThrow('There is no object "a/b/2" in the bucket');
  });
});
