import type { InputRoutes } from '../inputs/inputs.js';
import { lockInputSpecs } from '../pipeline/lock-inputs.js';
import { sshInputSpecs } from '../ssh/ssh-input-specs.js';

const same = (names: readonly string[]): InputRoutes => Object.fromEntries(names.map((name) => [name, name]));

/** Every part that reaches a host reads the same SSH and lock inputs. */
const host = same([...sshInputSpecs, ...lockInputSpecs].map((spec) => spec.name));

/**
 * Which input of each part action every input of the root action (the whole pipeline in one step)
 * feeds. Names shared by several parts mean the same thing in each (`app`, `version`, the SSH
 * inputs); a part's name that would be ambiguous at the root gets a prefix (`backup-verify`).
 */
export const releaseRoutes = {
  deploy: {
    ...same(['app', 'app-dir', 'version', 'image', 'compose-file', 'env', 'secret-env-keys', 'registry', 'registry-username', 'registry-password', 'pre-deploy', 'service', 'keep-releases']),
    ...host,
  },
  switch: {
    ...same([
      'app', 'app-dir', 'version', 'service', 'mode', 'color-services', 'blue-port', 'green-port',
      'nginx-upstream-file', 'nginx-test-command', 'nginx-reload-command', 'nginx-check-url',
      'health-path', 'health-version-field', 'expect-status', 'expect-json', 'expect-body', 'headers',
      'interval', 'attempt-timeout', 'deadline', 'success-threshold', 'drain-timeout', 'keep-warm',
      'telegram-token', 'telegram-api-root',
    ]),
    ...host,
  },
  backup: {
    ...same(['app', 'app-dir', 'version', 'database', 'db-user', 'database-url', 'spaces-endpoint', 'spaces-region', 'spaces-bucket', 'spaces-prefix', 'spaces-access-key-id', 'spaces-secret-access-key', 'encrypt-recipients', 'decrypt-identity']),
    'backup-source': 'source',
    'db-service': 'compose-service',
    'db-project': 'compose-project',
    'backup-format': 'format',
    'backup-compression': 'compression',
    'backup-verify': 'verify',
    'backup-keep': 'keep',
    ...host,
  },
  slack: {
    ...same(['environment', 'title']),
    'slack-webhook-url': 'webhook-url',
    'slack-bot-token': 'bot-token',
    'slack-channel': 'channel',
    'slack-api-url': 'api-url',
  },
  telegram: {
    ...same(['environment', 'title']),
    'telegram-api-root': 'api-root',
    'telegram-token': 'bot-token',
    'telegram-chat-id': 'chat-id',
    'telegram-message-thread-id': 'message-thread-id',
  },
} as const satisfies Record<string, InputRoutes>;
