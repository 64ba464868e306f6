import { healthGateAction } from '../../src/actions/health-gate.js';
import { readHealthGateInputs } from '../../src/health/health-gate-inputs.js';
import { InputError } from '../../src/inputs/input-error.js';
import { Inputs } from '../../src/inputs/inputs.js';
import { RecordingLog } from '../../src/log/recording-log.js';

const read = (values: Record<string, string>, log = new RecordingLog()) => readHealthGateInputs(new Inputs(healthGateAction.inputs, (name) => values[name] ?? ''), log);

describe('readHealthGateInputs', () => {
  test('defaults: status 200, 1s interval, 5s attempts, 120s deadline, 3 in a row, no soak, no SSH', () => {
    const config = read({ url: 'https://bot.example.com/health, http://127.0.0.1:8080/ready' });
    expect(config.urls.map((url) => url.href)).toEqual(['https://bot.example.com/health', 'http://127.0.0.1:8080/ready']);
    expect(config).toMatchObject({ viaSsh: false, ssh: [], headers: {}, expect: { statuses: [200], json: [] } });
    expect(config.gate).toEqual({ intervalMs: 1000, attemptTimeoutMs: 5000, deadlineMs: 120_000, successThreshold: 3, soakMs: 0, maxFailureRatio: 0 });
    expect(config.container).toBeUndefined();
  });

  test('reads every check and pacing input', () => {
    const config = read({
      url: 'http://127.0.0.1/health',
      'expect-status': '200,204',
      'expect-json': 'status == healthy\nversion == v1.2.3',
      'expect-body': '^ok',
      interval: '500ms',
      'attempt-timeout': '2s',
      deadline: '3m',
      'success-threshold': '1',
      soak: '1m',
      'max-failure-ratio': '0.05',
    });
    expect(config.expect.statuses).toEqual([200, 204]);
    expect(config.expect.json.map((condition) => condition.text)).toEqual(['status == healthy', 'version == v1.2.3']);
    expect(config.expect.body?.source).toBe('^ok');
    expect(config.gate).toEqual({ intervalMs: 500, attemptTimeoutMs: 2000, deadlineMs: 180_000, successThreshold: 1, soakMs: 60_000, maxFailureRatio: 0.05 });
  });

  test('a soak is 0 or at least one interval long', () => {
    expect(read({ url: 'http://h/', soak: '0' }).gate.soakMs).toBe(0);
    expect(read({ url: 'http://h/', soak: '1s' }).gate.soakMs).toBe(1000);
    expect(read({ url: 'http://h/', soak: '2s', interval: '2s' }).gate).toMatchObject({ soakMs: 2000, intervalMs: 2000 });
  });

  test('masks header values and never echoes a malformed header line', () => {
    const log = new RecordingLog();
    const config = read({ url: 'http://127.0.0.1/health', headers: 'Authorization: Bearer s3cr3t-t0ken\nX-Probe: gate' }, log);
    expect(config.headers).toEqual({ Authorization: 'Bearer s3cr3t-t0ken', 'X-Probe': 'gate' });
    log.info('sent Bearer s3cr3t-t0ken');
    log.info('body {"token":"s3cr3t-t0ken"}');
    expect(log.lines).toEqual(['sent ***', 'body {"token":"***"}']);
    const bad = (): unknown => read({ url: 'http://127.0.0.1/health', headers: 'Bearer s3cr3t-t0ken' });
    expect(bad).toThrow(InputError);
    expect(bad).not.toThrow(/s3cr3t/);
  });

  test.each([
    [{}, /Give `url`/],
    [{ url: 'ftp://host/health' }, /must use http or https, not "ftp"/],
    [{ url: 'localhost:8080/health' }, /must use http or https|absolute URLs/],
    [{ url: '/health' }, /absolute URLs/],
    [{ url: 'http://h/', 'expect-status': 'OK' }, /`expect-status` must list HTTP statuses/],
    [{ url: 'http://h/', 'expect-json': 'status = healthy' }, /bad condition "status = healthy"/],
    [{ url: 'http://h/', 'expect-body': '(unclosed' }, /`expect-body` is not a valid regular expression/],
    [{ url: 'http://h/', 'max-failure-ratio': '1.5' }, /between 0 and 1/],
    [{ url: 'http://h/', interval: '0' }, /`interval` must be longer than 0/],
    [{ url: 'http://h/', soak: '500ms' }, 'Input `soak` (500ms) must be 0 or at least `interval` (1.0s), or the soak would end before its first check: lengthen `soak` or shorten `interval`.'],
    [{ url: 'http://h/', soak: '10s', interval: '30s' }, /`soak` \(10s\) must be 0 or at least `interval` \(30s\)/],
    [{ url: 'http://h/', 'success-threshold': '0' }, /`success-threshold` must be a whole number of at least 1/],
    [{ 'via-ssh': 'true' }, /Give `url`/],
    [{ container: 'bot-1', service: 'bot', app: 'faceit' }, /either `container` or `service`/],
    [{ service: 'bot' }, /`service` needs `compose-project` or `app`/],
  ])('rejects %j', (values, message) => {
    expect(() => read(values)).toThrow(InputError);
    expect(() => read(values)).toThrow(message);
  });

  test('via-ssh and container mode need the SSH inputs; plain URLs do not', () => {
    expect(() => read({ url: 'http://127.0.0.1:8081/health', 'via-ssh': 'true' })).toThrow(/`host` is required/);
    expect(() => read({ container: 'bot-1' })).toThrow(/`host` is required/);
    expect(() => read({ service: 'bot', app: 'faceit' })).toThrow(/`host` is required/);
  });

  test('masks a password in a URL', () => {
    const log = new RecordingLog();
    read({ url: 'https://probe:pa55word@bot.example.com/health' }, log);
    log.info('https://probe:pa55word@bot.example.com/health');
    expect(log.text).toBe('https://probe:***@bot.example.com/health');
  });
});
