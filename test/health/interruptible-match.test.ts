import { interruptibleTest } from '../../src/health/interruptible-match.js';

test('tests the pattern, flags included', async () => {
  const signal = new AbortController().signal;
  expect(await interruptibleTest(/^ok/i, 'OK: ready', signal)).toBe(true);
  expect(await interruptibleTest(/^ok/, 'OK: ready', signal)).toBe(false);
});

test('a pattern that backtracks without end is stopped when the signal aborts', async () => {
  const started = Date.now();
  await expect(interruptibleTest(/^(a+)+$/, `${'a'.repeat(40)}!`, AbortSignal.timeout(300))).rejects.toMatchObject({ name: 'TimeoutError' });
  expect(Date.now() - started).toBeLessThan(1500);
});
