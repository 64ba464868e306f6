import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './lab-host.js';

/** An access key moto's IAM issued. */
export interface MotoKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * A private moto server that checks S3 signatures and IAM permissions, unlike the lab's (which
 * accepts any credentials). Setup calls pass unauthenticated; `enforceAuth` turns checking on.
 */
export class MotoWithAuth {
  private constructor(
    readonly endpoint: string,
    private readonly server: ChildProcess,
  ) {}

  static async start(): Promise<MotoWithAuth> {
    const port = await freePort();
    const server = spawn('/usr/bin/python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    const moto = new MotoWithAuth(`http://127.0.0.1:${port}`, server);
    const until = Date.now() + 20_000;
    for (;;) {
      try {
        await fetch(`${moto.endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
        return moto;
      } catch (error) {
        if (Date.now() > until || server.exitCode !== null) {
          await moto.stop();
          throw new Error(`moto did not start on port ${port}`, { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /** An IAM user with an access key, allowed every S3 action when `allowS3`, nothing otherwise. */
  async createUser(name: string, allowS3: boolean): Promise<MotoKey> {
    await this.iam({ Action: 'CreateUser', UserName: name });
    if (allowS3) {
      const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
      await this.iam({ Action: 'PutUserPolicy', UserName: name, PolicyName: 's3-all', PolicyDocument: JSON.stringify(policy) });
    }
    const xml = await this.iam({ Action: 'CreateAccessKey', UserName: name });
    const accessKeyId = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(xml)?.[1];
    const secretAccessKey = /<SecretAccessKey>([^<]+)<\/SecretAccessKey>/.exec(xml)?.[1];
    if (!accessKeyId || !secretAccessKey) throw new Error(`moto's CreateAccessKey answered: ${xml}`);
    return { accessKeyId, secretAccessKey };
  }

  /** From now on every request must be signed by a key moto issued and be allowed by its policy. */
  async enforceAuth(): Promise<void> {
    const response = await fetch(`${this.endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' });
    if (!response.ok) throw new Error(`moto's reset-auth answered ${response.status}: ${await response.text()}`);
  }

  async stop(): Promise<void> {
    if (this.server.exitCode !== null || this.server.signalCode !== null) return;
    const exited = new Promise((resolve) => this.server.once('exit', resolve));
    this.server.kill();
    await exited;
  }

  /**
   * An IAM Query API call. moto routes a request by the service in its Authorization header's
   * credential scope; the signature itself is only checked once auth is enforced.
   */
  private async iam(params: Record<string, string>): Promise<string> {
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: {
        authorization: 'AWS4-HMAC-SHA256 Credential=setup/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ ...params, Version: '2010-05-08' }).toString(),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`moto's IAM ${params.Action ?? ''} answered ${response.status}: ${text}`);
    return text;
  }
}
