import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BotApiRefusal, BotApiUnreachable, callBotApi, NOT_BOT_API } from '../../src/telegram/bot-api.js';

const token = '4242:AAE-bot-api-client';

describe('callBotApi', () => {
  let server: Server;
  let root: string;
  let answer: (path: string, body: string) => { status: number; type: string; body: string } | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const reply = answer(req.url ?? '', body);
        if (reply) res.writeHead(reply.status, { 'content-type': reply.type }).end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    root = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });

  const refusalOf = async (promise: Promise<unknown>): Promise<BotApiRefusal | BotApiUnreachable> => {
    try {
      await promise;
    } catch (error) {
      return error as BotApiRefusal | BotApiUnreachable;
    }
    throw new Error('it did not fail');
  };

  it('posts the parameters as JSON to /bot<token>/<method> and returns the result', async () => {
    let seen = { path: '', body: '' };
    answer = (path, body) => {
      seen = { path, body };
      return { status: 200, type: 'application/json', body: JSON.stringify({ ok: true, result: { message_id: 5 } }) };
    };
    expect(await callBotApi({ root, token }, 'sendMessage', { chat_id: -1, text: 'hi' })).toEqual({ message_id: 5 });
    expect(seen).toEqual({ path: `/bot${token}/sendMessage`, body: '{"chat_id":-1,"text":"hi"}' });
  });

  it('reads Telegram\'s refusal: status, description, retry_after and migrate_to_chat_id', async () => {
    answer = () => ({
      status: 429,
      type: 'application/json',
      body: JSON.stringify({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7, migrate_to_chat_id: -100 } }),
    });
    const refusal = await refusalOf(callBotApi({ root, token }, 'sendMessage'));
    expect(refusal).toBeInstanceOf(BotApiRefusal);
    expect(refusal).toMatchObject({ status: 429, description: 'Too Many Requests: retry after 7', parameters: { retryAfterS: 7, migrateToChatId: -100 } });
    expect(refusal.message).toBe('The Bot API refused sendMessage (HTTP 429: Too Many Requests: retry after 7)');
  });

  it('tells a proxy\'s error page (its status line) from an answer that is no Bot API at all', async () => {
    answer = () => ({ status: 502, type: 'text/html', body: '<html>502 Bad Gateway</html>' });
    expect(await refusalOf(callBotApi({ root, token }, 'getMe'))).toMatchObject({ status: 502, description: 'Bad Gateway' });
    answer = () => ({ status: 200, type: 'text/html', body: '<html>welcome</html>' });
    expect(await refusalOf(callBotApi({ root, token }, 'getMe'))).toMatchObject({ status: 200, description: NOT_BOT_API });
  });

  it('gives up on a server that does not answer within the timeout, never quoting the URL', async () => {
    answer = () => undefined;
    const error = await refusalOf(callBotApi({ root, token }, 'getMe', {}, 200));
    expect(error).toBeInstanceOf(BotApiUnreachable);
    expect(error.message).toBe(`The Bot API at ${new URL(root).host} could not be reached for getMe (no answer within 0.2s)`);
    expect(error.message).not.toContain(token);
  });
});
