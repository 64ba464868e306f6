import type { ActionMetadata } from './action-metadata.js';
import { lockInputSpecs } from '../pipeline/lock-inputs.js';
import { sshInputSpecs } from '../ssh/ssh-input-specs.js';

export const sshDeployAction: ActionMetadata = {
  folder: 'ssh-deploy',
  name: 'bot-deploy ssh-deploy',
  description:
    'Ship a release of a Docker Compose bot to a droplet over SSH and run it (recreate, stop-first or stage only), with a deploy lock, rollback and pruning.',
  author: 'bot-deploy',
  branding: { icon: 'upload-cloud', color: 'blue' },
  inputs: [
    { name: 'app', required: true, description: 'App name (lowercase letters, digits, dashes, underscores). Names the compose project and the default app-dir /opt/<app>.' },
    { name: 'app-dir', description: 'Folder on the host holding releases/, current, deploys.log, state.json and .lock. The deploy user must be able to write it. Defaults to /opt/<app>.' },
    { name: 'version', description: 'The release to deploy (a tag or SHA, ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$), checked before anything connects. With rollback, the release to re-activate (default the previous one).' },
    { name: 'image', description: 'Image repository without a tag (e.g. ghcr.io/acme/bot). Compose files get IMAGE=<image>:<version>.' },
    { name: 'compose-file', description: 'Compose file(s) in the repository, separated by commas or newlines. Defaults to the first of compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml that exists.' },
    { name: 'env', secret: true, description: 'Dotenv text (a secret) written as the release\'s .env with mode 0600 over SFTP. Masked in the log: values whose key names a secret (a word TOKEN, SECRET, PASSWORD, PASS, KEY, PRIVATE, CREDENTIAL, AUTH, DSN...), the password of any URL value, and the keys of `secret-env-keys`. APP, VERSION and IMAGE are appended.' },
    { name: 'secret-env-keys', description: 'More keys of `env` whose values are secret and masked (separated by commas or newlines), for names the rule of `env` does not catch.' },
    { name: 'registry', description: 'Registry host to log in to (defaults to the host part of image).' },
    { name: 'registry-username', description: 'Registry user; with registry-password the host runs docker login (the password goes over stdin).' },
    { name: 'registry-password', secret: true, description: 'Registry password or token (a secret), sent to docker login on stdin.' },
    { name: 'pre-deploy', description: 'One-off command (run with sh -c) in a new container of `service` before the switch, e.g. migrations. A failure stops the deploy with the running release untouched.' },
    { name: 'service', description: 'The bot\'s compose service (used by pre-deploy, and by stop-first to stop only the bot; without it stop-first stops the services that use IMAGE or VERSION, never the database).' },
    { name: 'strategy', default: 'recreate', description: 'recreate (docker compose up -d), stop-first (the old bot is fully stopped before the new one starts — never two pollers) or none (stage only, for blue-green-switch).' },
    { name: 'keep-releases', default: '5', description: 'How many release folders to keep; older ones are removed with their images. The active and previous releases are always kept.' },
    { name: 'rollback', default: 'false', description: 'true re-activates the previous release (or `version`) already on the host, without uploading or pulling.' },
    ...lockInputSpecs,
    ...sshInputSpecs,
  ],
  outputs: [
    { name: 'release', description: 'The release now active (or staged, with strategy none).' },
    {
      name: 'previous-release',
      description:
        'The release that ran before: for a deploy, the one it replaced (for a re-deploy of the running release, the one before that); for a rollback, the one rolled back from; with strategy none, the one still running.',
    },
    { name: 'release-dir', description: 'The release\'s folder on the host.' },
    { name: 'duration-ms', description: 'Wall time of the whole step in milliseconds.' },
  ],
  // The post step releases what a cancelled or killed run left on a host (lock, registry login, one-off container).
  runs: { using: 'node24', main: '../dist/ssh-deploy/index.js', post: '../dist/ssh-deploy/index.js', postIf: 'always()' },
};
