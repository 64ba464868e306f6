import { blueGreenSwitchAction } from '../../src/actions/blue-green-switch.js';
import { readBlueGreenConfig } from '../../src/blue-green/blue-green-config.js';
import { Inputs } from '../../src/inputs/inputs.js';
import { RecordingLog } from '../../src/log/recording-log.js';
import { sshKeygen } from '../ssh/key-files.js';

const key = sshKeygen('-t', 'ed25519', '-N', '');
const ssh = { host: 'web1', user: 'deploy', 'private-key': key.private, 'host-fingerprint': 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
const read = (values: Record<string, string>) =>
  readBlueGreenConfig(new Inputs(blueGreenSwitchAction.inputs, (name: string) => ({ ...ssh, ...values })[name] ?? ''), new RecordingLog());

describe('readBlueGreenConfig', () => {
  const webhook = { app: 'shop', version: 'v2', service: 'bot', 'nginx-upstream-file': '/etc/nginx/bot-deploy/shop.conf' };

  it('reads the defaults of product.md: webhook, ports 8081/8082, sudo nginx, /health', () => {
    expect(read(webhook)).toMatchObject({
      app: 'shop',
      appDir: '/opt/shop',
      mode: 'webhook',
      colorServices: ['bot'],
      ports: { blue: 8081, green: 8082 },
      nginx: { upstreamFile: '/etc/nginx/bot-deploy/shop.conf', testCommand: 'sudo nginx -t', reloadCommand: 'sudo nginx -s reload' },
      health: { path: '/health', versionField: 'version' },
      drainMs: 10_000,
      keepWarm: false,
      rollback: false,
    });
  });

  it('runs `service` and the named color-services per color; polling needs no nginx', () => {
    expect(read({ app: 'shop', version: 'v2', service: 'bot', mode: 'polling', 'color-services': 'worker, bot' })).toMatchObject({
      mode: 'polling',
      colorServices: ['bot', 'worker'],
    });
  });

  it.each([
    [{ ...webhook, 'nginx-upstream-file': '' }, /^Input `nginx-upstream-file` is required in webhook mode/],
    [{ ...webhook, 'blue-port': '9000', 'green-port': '9000' }, /^Inputs `blue-port` and `green-port` must differ/],
    [{ ...webhook, 'green-port': '70000' }, /^Input `green-port` must be a TCP port/],
    [{ ...webhook, 'health-path': 'health' }, /^Input `health-path` must start with a slash/],
    [{ ...webhook, 'nginx-check-url': 'ftp://x/health' }, /^Input `nginx-check-url` must be an http URL/],
    [{ ...webhook, version: '../v2' }, /is not a valid release name/],
    [{ ...webhook, mode: 'both' }, /^Input `mode` must be one of webhook, polling/],
  ])('refuses %j before connecting', (values, message) => {
    expect(() => read(values)).toThrow(message);
  });
});
