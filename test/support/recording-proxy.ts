import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, as the client sent them. */
  url: string;
  headers: IncomingHttpHeaders;
}

/**
 * An HTTP proxy on 127.0.0.1 that forwards every request unchanged to `target` and remembers what
 * was asked, so tests can check how a client talks to a store the lab cannot run (Spaces). The
 * Host header is forwarded as sent: only for targets that do not check signatures (the lab moto).
 */
export class RecordingProxy {
  readonly requests: RecordedRequest[] = [];

  private constructor(private readonly server: Server) {}

  static async start(target: string): Promise<RecordingProxy> {
    const { hostname, port } = new URL(target);
    const server = createServer();
    const proxy = new RecordingProxy(server);
    server.on('request', (incoming, outgoing) => {
      proxy.requests.push({ method: incoming.method ?? '', url: incoming.url ?? '', headers: incoming.headers });
      const forwarded = request({ host: hostname, port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      forwarded.on('error', () => outgoing.destroy());
      incoming.pipe(forwarded);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
