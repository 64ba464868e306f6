import { parse as parseDotenv } from 'dotenv';
import { envSecrets } from '../../src/inputs/env-secrets.js';

const exampleEnv = parseDotenv(`# .env.example of a bot template
BOT_TOKEN=123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11
MODE=polling
DEBUG=true
PORT=3000
HOST=localhost
WEBHOOK_URL=https://bot.example.com/hook
DATABASE_URL=postgres://bot:s3cret-pass@db:5432/bot
REDIS_URL=redis://redis:6379
`);

describe('envSecrets', () => {
  it('masks the token and the database password of an ordinary .env.example, nothing else', () => {
    expect(envSecrets(exampleEnv, [])).toEqual(['123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11', 's3cret-pass']);
  });

  it.each([
    'BOT_TOKEN', 'api_key', 'API_KEY', 'STRIPE_SECRET_KEY', 'DB_PASSWORD', 'SMTP_PASS', 'SSH_PRIVATE_KEY', 'GOOGLE_CREDENTIALS',
    'BASIC_AUTH', 'SENTRY_DSN', 'sessionSecret', 'jwt.secret', 'encryption-key',
  ])('treats %s as naming a secret', (key) => {
    expect(envSecrets({ [key]: 'value-1' }, [])).toEqual(['value-1']);
  });

  it.each(['MODE', 'TOKENIZER', 'MONKEY_COUNT', 'PASSENGER_LIMIT', 'AUTHOR', 'KEYBOARD', 'PORT'])('does not treat %s as naming a secret', (key) => {
    expect(envSecrets({ [key]: 'value-1' }, [])).toEqual([]);
  });

  it('masks the keys listed in secret-env-keys, whatever their case', () => {
    expect(envSecrets({ ADMIN_CHAT: '-100200300', OTHER: 'visible' }, ['admin_chat'])).toEqual(['-100200300']);
  });

  it('finds the password of any URL as written and decoded, and skips URLs without one', () => {
    expect(envSecrets({ A: 'amqp://user:p%40ss@mq/vhost', B: 'redis://:only-pw@redis:6379/0', C: 'https://user@host/x', D: 'not a url:pw@x' }, [])).toEqual([
      'p%40ss',
      'p@ss',
      'only-pw',
    ]);
  });

  it('skips empty values', () => {
    expect(envSecrets({ BOT_TOKEN: '' }, [])).toEqual([]);
  });
});
