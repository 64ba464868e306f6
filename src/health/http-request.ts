import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { abortable } from './abortable.js';

/** Opens a TCP stream to host:port somewhere else, e.g. from the droplet through SSH (direct-tcpip). */
export type StreamFactory = (host: string, port: number) => Promise<Duplex>;

export interface HttpResponse {
  status: number;
  /** The body as text, cut at `maxBodyBytes`. */
  body: string;
}

export interface HttpGetOptions {
  headers: Record<string, string>;
  signal: AbortSignal;
  /** Without it the request goes out from the runner; with it, through the stream it opens. */
  connect?: StreamFactory;
  maxBodyBytes?: number;
}

/** A health endpoint's body fits easily; anything past this is not worth holding or printing. */
const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** One GET on a fresh connection (no keep-alive: each attempt must reach the app anew). */
export async function httpGet(url: URL, options: HttpGetOptions): Promise<HttpResponse> {
  const secure = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || (secure ? 443 : 80));
  const stream = options.connect ? await abortable(options.connect(host, port), options.signal, (late) => late.destroy()) : undefined;
  const request = secure ? https.request : http.request;
  return new Promise<HttpResponse>((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      headers: options.headers,
      signal: options.signal,
      // Judge what a tolerant client (curl, a browser) sees: bare-LF line ends and the like are not the app's fault.
      insecureHTTPParser: true,
      // Node ignores createConnection when an agent is set; without a stream, `agent: false` gives a fresh socket.
      ...(stream
        ? { createConnection: () => (secure ? tls.connect({ socket: stream, servername: tlsServername(host) }) : stream) }
        : { agent: false }),
    });
    req.on('error', (error) => {
      stream?.destroy();
      reject(error);
    });
    req.on('response', (res) => {
      const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (): void => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).subarray(0, limit).toString('utf8') });
        req.destroy();
        stream?.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= limit) finish();
      });
      res.on('end', finish);
      res.on('error', reject);
    });
    req.end();
  });
}

/** SNI takes names only; an IP address is sent without it. */
function tlsServername(host: string): string | undefined {
  return /^[\d.]+$|:/.test(host) ? undefined : host;
}
