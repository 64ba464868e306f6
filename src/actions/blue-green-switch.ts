import type { ActionMetadata } from './action-metadata.js';
import { healthCheckInputSpecs } from './health-check-input-specs.js';
import { lockInputSpecs } from '../pipeline/lock-inputs.js';
import { sshInputSpecs } from '../ssh/ssh-input-specs.js';

export const blueGreenSwitchAction: ActionMetadata = {
  folder: 'blue-green-switch',
  name: 'bot-deploy blue-green-switch',
  description:
    'Activate a release staged by ssh-deploy (strategy: none) without downtime: webhook bots run in two colors behind nginx and switch after a health gate; polling bots hand over with never two pollers. Rolls back by itself when the new release fails.',
  author: 'bot-deploy',
  branding: { icon: 'shuffle', color: 'blue' },
  inputs: [
    { name: 'app', required: true, section: 'what to switch', description: 'App name, as given to ssh-deploy. The colors run as compose projects `<app>-blue` and `<app>-green`; the rest of the stack (database, Redis) runs once, in project `<app>`.' },
    { name: 'app-dir', description: 'The app folder on the host, as given to ssh-deploy. Defaults to /opt/<app>.' },
    { name: 'version', description: 'The staged release to activate (releases/<version> on the host). With rollback, the release to go back to (default the previous one).' },
    { name: 'service', required: true, description: 'The bot\'s compose service: the one that runs per color. The other services run once, shared by both colors, and reach each other by their names as before.' },
    { name: 'color-services', description: 'More services that run per color with `service` (separated by commas or newlines), e.g. a worker that must match the bot\'s version. Never a database.' },
    { name: 'mode', default: 'webhook', description: 'webhook (two colors behind nginx, switched after a health gate) or polling (the old bot stops before the new one starts: never two getUpdates pollers).' },
    { name: 'blue-port', default: '8081', description: 'The host port of the blue color (HOST_PORT in the compose file), webhook mode.' },
    { name: 'green-port', default: '8082', description: 'The host port of the green color, webhook mode.' },
    { name: 'nginx-upstream-file', description: 'The nginx file the suite owns for this app (the deploy user must write it; nginx includes it): it holds `upstream <app> { server 127.0.0.1:<port>; }`. Webhook mode.' },
    { name: 'nginx-test-command', default: 'sudo nginx -t', description: 'Checks the nginx configuration after the upstream file changed; on failure the previous file is restored and nothing is reloaded.' },
    { name: 'nginx-reload-command', default: 'sudo nginx -s reload', description: 'Reloads nginx gracefully, so in-flight requests finish on the old color.' },
    { name: 'nginx-check-url', description: 'A URL on the host that goes through nginx to the app\'s health path (e.g. http://127.0.0.1/health): after the reload the new version must answer there. Webhook mode; empty skips the check.' },
    { name: 'health-path', default: '/health', section: 'the gate on the new color', description: 'The health endpoint, checked on each color\'s own port from the host (webhook mode).' },
    { name: 'health-version-field', default: 'version', description: 'A JSON field of the health answer that must equal the release\'s version, so a gate never passes on the old color by mistake; empty to skip.' },
    ...healthCheckInputSpecs,
    { name: 'drain-timeout', default: '10s', section: 'after the switch', description: 'How long to wait for requests in flight on the old color to finish before it stops.' },
    { name: 'keep-warm', default: 'false', description: 'Keep the old color running after the switch, so a rollback is an nginx flip. Webhook mode.' },
    { name: 'rollback', default: 'false', description: 'true switches back to the previous release: a flip when its color is still warm, otherwise it starts in the idle color through the same gate.' },
    {
      name: 'telegram-token',
      secret: true,
      section: 'Telegram checks',
      description: 'The bot\'s token, for Telegram\'s own view of the switch: webhook mode fails loudly when the webhook is gone or Telegram reports a new delivery error after the old color stopped (a shutdown hook calling deleteWebhook); polling mode fails the new release when a webhook is set (it would never poll) or the queue of pending updates does not drain.',
    },
    { name: 'telegram-api-root', default: 'https://api.telegram.org', description: 'The Bot API server (a local telegram-bot-api server, or a stand-in in tests).' },
    ...lockInputSpecs,
    ...sshInputSpecs,
  ],
  outputs: [
    { name: 'active-color', description: 'The color serving after this step: blue or green.' },
    { name: 'previous-color', description: 'The color that served before (empty on a first deploy or when the old release ran outside the colors).' },
    { name: 'release', description: 'The release serving after this step.' },
    { name: 'switch-ms', description: 'Webhook: from the nginx reload to the new version answering through nginx. Polling: the gap from the old bot stopped to the new one started (nobody polls in between).' },
    { name: 'rolled-back', description: 'true when the new release failed and the old one serves again (the step then fails).' },
  ],
  // The post step releases what a cancelled run left on the host (the lock, a switch under way).
  runs: { using: 'node24', main: '../dist/blue-green-switch/index.js', post: '../dist/blue-green-switch/index.js', postIf: 'always()' },
};
