// The lab's sample grammY bot: answers every text message with "<VERSION>: <text>", so a test sees
// which release answered. BOT_MODE picks long polling (default) or a webhook server on :8080.
// Any failure to start (a 401 for a bad token, an unreachable API) ends the process with status 1,
// which is what makes a bad release crash-loop under `restart: unless-stopped`.
import { createServer } from 'node:http';
import { Bot, webhookCallback } from 'grammy';

const token = process.env.BOT_TOKEN ?? '';
const version = process.env.VERSION ?? 'dev';
const mode = process.env.BOT_MODE ?? 'polling';
const apiRoot = process.env.TELEGRAM_API_ROOT ?? '';
const port = 8080;

if (token === '') {
  console.error('BOT_TOKEN is not set.');
  process.exit(1);
}
if (mode !== 'polling' && mode !== 'webhook') {
  console.error(`BOT_MODE must be "polling" or "webhook", not "${mode}".`);
  process.exit(1);
}

const bot = new Bot(token, apiRoot === '' ? {} : { client: { apiRoot } });

bot.on('message:text', (ctx) => ctx.reply(`${version}: ${ctx.message.text}`));

// One failed update must not stop the poller; the error is logged and polling goes on.
bot.catch((error) => {
  console.error(`grammy-bot ${version}: update ${error.ctx.update.update_id} failed: ${error.message}`);
});

async function poll() {
  const stop = () => {
    console.log(`grammy-bot ${version} stopping`);
    // bot.stop() confirms the updates handled so far with one last getUpdates, then start() returns.
    void bot.stop();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await bot.start({
    onStart: (me) => console.log(`grammy-bot ${version} polling as @${me.username}`),
  });
}

async function serveWebhook() {
  // Checking the token before listening makes a bad release fail the same way in both modes.
  await bot.init();
  const secretToken = process.env.WEBHOOK_SECRET;
  const handleUpdate = webhookCallback(bot, 'http', secretToken ? { secretToken } : {});
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'healthy', version, mode }));
    } else if (req.method === 'POST' && req.url === '/webhook') {
      handleUpdate(req, res).catch((error) => {
        console.error(`grammy-bot ${version}: webhook update failed: ${error.message}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    } else {
      res.writeHead(404).end();
    }
  });
  const stop = () => {
    console.log(`grammy-bot ${version} stopping`);
    server.close();
    server.closeIdleConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      console.log(`grammy-bot ${version} serving webhooks for @${bot.botInfo.username} on :${port}`);
      resolve();
    });
  });
}

try {
  await (mode === 'polling' ? poll() : serveWebhook());
} catch (error) {
  console.error(`grammy-bot ${version} cannot run: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
