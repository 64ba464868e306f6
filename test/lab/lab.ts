import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The droplet lab's fixed facts, shared by lab/up.sh (which creates them) and the tests.
 * Everything listens on 127.0.0.1; state lives in <repo>/.lab (git-ignored).
 */
export const labDir = join(new URL('../..', import.meta.url).pathname, '.lab');

export const lab = {
  dir: labDir,
  host: '127.0.0.1',
  sshPort: 2222,
  user: 'deploy',
  /** Client keys authorised for `deploy` (authorized_keys holds every one of them). */
  keys: {
    ed25519: join(labDir, 'keys/id_ed25519'),
    rsa: join(labDir, 'keys/id_rsa'),
    ecdsa: join(labDir, 'keys/id_ecdsa'),
    rsaPem: join(labDir, 'keys/id_rsa_pem'),
    /** ed25519, encrypted with `passphrase` below. */
    encrypted: join(labDir, 'keys/id_ed25519_enc'),
    passphrase: 'correct horse battery staple',
    /** A key that is NOT authorised on the lab host. */
    stranger: join(labDir, 'keys/id_stranger'),
  },
  /** The sshd's host public keys (OpenSSH .pub format). */
  hostKeys: {
    ed25519: join(labDir, 'sshd/ssh_host_ed25519_key.pub'),
    rsa: join(labDir, 'sshd/ssh_host_rsa_key.pub'),
  },
  registry: { address: '127.0.0.1:5000', username: 'ci', password: 'lab-registry-secret' },
  nginx: {
    port: 8080,
    conf: join(labDir, 'nginx/nginx.conf'),
    /** Owned by deploy, like the one upstream file per app on a droplet. */
    upstreamDir: join(labDir, 'nginx/upstreams'),
    /** Server blocks (root's); the first one listening on a port is that port's default server. */
    sitesDir: join(labDir, 'nginx/sites'),
    /** The only commands deploy may run with sudo (NOPASSWD), as `nginx-test-command` and `nginx-reload-command`. */
    testCommand: `sudo -n /usr/sbin/nginx -t -c ${join(labDir, 'nginx/nginx.conf')}`,
    reloadCommand: `sudo -n /usr/sbin/nginx -s reload -c ${join(labDir, 'nginx/nginx.conf')}`,
  },
  /** Owned by deploy: app dirs go below it (the product's default /opt/<app> is not writable by deploy). */
  appRoot: '/srv/bot-deploy-lab',
  /**
   * A second account that only has compose v1: its SSH sessions find docker-compose 1.29 (unpacked by
   * lab/compose-v1.sh into composeV1Dir) and a docker whose `docker compose` fails. Logs in with
   * `keys.ed25519` only; no sudo.
   */
  userV1: 'deploy-v1',
  /** Owned by deploy-v1: its app dirs go below it. */
  appRootV1: '/srv/bot-deploy-lab-v1',
  /** docker-compose v1 (bookworm's 1.29.2 package, unpacked); `bin/` comes first on deploy-v1's PATH. */
  composeV1Dir: '/opt/compose-v1',
  /** Containers a test starts itself should carry this label (any value): lab/down.sh removes them. */
  containerLabel: 'dev.bot-deploy.lab',
  postgres: { port: 5433, user: 'postgres', password: 'lab-pg-secret' },
  s3: { endpoint: 'http://127.0.0.1:9000', accessKeyId: 'lab', secretAccessKey: 'lab-s3-secret' },
  /**
   * Images in the lab registry (built by lab/images/build.sh): the busybox bots tagged v1, v2 and
   * `broken`; the grammY bot tagged v1 and v2; PostgreSQL tagged 15 and Redis tagged 7.
   */
  images: {
    webhook: '127.0.0.1:5000/sample/webhook-bot',
    polling: '127.0.0.1:5000/sample/polling-bot',
    grammy: '127.0.0.1:5000/sample/grammy-bot',
    postgres: '127.0.0.1:5000/sample/postgres',
    redis: '127.0.0.1:5000/sample/redis',
  },
  /** Sample compose projects (compose file + example .env) for the sample bots. */
  samples: {
    webhook: join(new URL('../..', import.meta.url).pathname, 'lab/samples/webhook-bot'),
    polling: join(new URL('../..', import.meta.url).pathname, 'lab/samples/polling-bot'),
    /** The grammY bot with its db (sample/postgres:15) and redis (sample/redis:7) services. */
    grammy: join(new URL('../..', import.meta.url).pathname, 'lab/samples/grammy-bot'),
  },
} as const;

export function readLabFile(path: string): string {
  return readFileSync(path, 'utf8');
}

/** known_hosts lines for the lab's sshd, as a user would paste them into `known-hosts`. */
export function labKnownHosts(): string {
  return [lab.hostKeys.ed25519, lab.hostKeys.rsa]
    .map((path) => `[${lab.host}]:${lab.sshPort} ${readLabFile(path).trim().split(/\s+/).slice(0, 2).join(' ')}`)
    .join('\n');
}
