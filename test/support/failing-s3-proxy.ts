import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An S3 endpoint that fails mid-upload: requests go through to the lab's S3 server, except every
 * attempt to upload part `failFrom` or later of a multipart upload, which gets S3's 500
 * InternalError (the SDK retries it, then gives up). Aborting the upload still gets through.
 */
export class FailingS3Proxy {
  readonly seen: string[] = [];
  private server: Server | undefined;

  constructor(
    private readonly upstream: URL,
    private readonly failFrom: number,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((incoming, outgoing) => {
      const url = new URL(incoming.url ?? '/', 'http://proxy');
      const part = Number(url.searchParams.get('partNumber') ?? 0);
      this.seen.push(`${incoming.method} ${url.search.includes('uploadId') ? (part ? `part ${part}` : 'upload') : 'object'}`);
      if (incoming.method === 'PUT' && part >= this.failFrom) {
        // Like S3, answer once the part has arrived: answering mid-body resets the connection instead.
        incoming.resume();
        incoming.on('end', () => {
          outgoing.writeHead(500, { 'content-type': 'application/xml' });
          outgoing.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>');
        });
        return;
      }
      const forward = request({ host: this.upstream.hostname, port: this.upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      forward.on('error', () => outgoing.destroy());
      incoming.pipe(forward);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
