import http from 'node:http';

/** One request on a connection of its own, as Telegram's webhook sender makes them; status 0 when the connection failed. */
function getOnce(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false, headers: { connection: 'close' }, timeout: 3000 }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', () => resolve({ status: 0, body }));
    });
    request.on('error', () => resolve({ status: 0, body: '' }));
    request.on('timeout', () => request.destroy());
  });
}

/**
 * Requests through nginx until stopped: every answer's status, to prove no request was dropped.
 * Each on a new connection: a client reusing an idle keep-alive connection can race nginx closing
 * it on reload (that is the client's retry to make; the benchmark counts those separately).
 */
export function steadyLoad(url: string): { stop: () => Promise<{ total: number; failed: number; versions: Set<string> }> } {
  let stopped = false;
  const stats = { total: 0, failed: 0, versions: new Set<string>() };
  const loop = (async () => {
    while (!stopped) {
      const answer = await getOnce(url);
      stats.total += 1;
      if (answer.status !== 200) stats.failed += 1;
      const version = /"version":"([^"]+)"/.exec(answer.body)?.[1];
      if (version) stats.versions.add(version);
    }
  })();
  return { stop: async () => ((stopped = true), await loop, stats) };
}
