import { connect, createServer, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { httpGet } from '../../src/health/http-request.js';
import { json, startServer, type TestServer } from './http-server.js';

let server: TestServer;
afterEach(() => server.close());

test('GETs on a fresh connection with the given headers and reads status and body', async () => {
  server = await startServer((req, res) => json(res, 200, { status: 'healthy', auth: req.headers.authorization, connection: req.headers.connection }));
  const response = await httpGet(new URL(server.url), { headers: { Authorization: 'Bearer t0ken' }, signal: AbortSignal.timeout(2000) });
  expect(response.status).toBe(200);
  expect(JSON.parse(response.body)).toEqual({ status: 'healthy', auth: 'Bearer t0ken', connection: 'close' });
});

test('caps the body', async () => {
  server = await startServer((_req, res) => res.end('x'.repeat(1024 * 1024)));
  const response = await httpGet(new URL(server.url), { headers: {}, signal: AbortSignal.timeout(2000), maxBodyBytes: 1000 });
  expect(response.body).toBe('x'.repeat(1000));
});

test('goes through the stream a factory opens (the via-ssh path), asking it for the URL host and port', async () => {
  server = await startServer((req, res) => json(res, 200, { host: req.headers.host }));
  const asked: Array<[string, number]> = [];
  const factory = async (host: string, port: number): Promise<Duplex> => {
    asked.push([host, port]);
    // Stands in for the SSH tunnel: the URL names a host that does not resolve here.
    return connect(server.port, '127.0.0.1');
  };
  const response = await httpGet(new URL('http://app.internal:8081/health'), { headers: {}, signal: AbortSignal.timeout(2000), connect: factory });
  expect(asked).toEqual([['app.internal', 8081]]);
  expect(JSON.parse(response.body)).toEqual({ host: 'app.internal:8081' });
});

test('rejects when the signal aborts while the server says nothing', async () => {
  server = await startServer(() => {});
  const started = Date.now();
  await expect(httpGet(new URL(server.url), { headers: {}, signal: AbortSignal.timeout(300) })).rejects.toThrow();
  expect(Date.now() - started).toBeLessThan(1500);
});

test('rejects with the connection error code when nothing listens', async () => {
  server = await startServer(() => {});
  const { port } = server;
  await server.close();
  await expect(httpGet(new URL(`http://127.0.0.1:${port}/`), { headers: {}, signal: AbortSignal.timeout(2000) })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  server = await startServer(() => {});
});

test('reads a response whose header lines end in a bare LF, as curl does', async () => {
  const raw = createServer((socket) => {
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 2\nConnection: close\n\nok'));
  });
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  const { port } = raw.address() as AddressInfo;
  try {
    const response = await httpGet(new URL(`http://127.0.0.1:${port}/health`), { headers: {}, signal: AbortSignal.timeout(2000) });
    expect(response).toEqual({ status: 200, body: 'ok' });
  } finally {
    await new Promise((resolve) => raw.close(resolve));
  }
});
