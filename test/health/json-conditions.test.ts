import { InputError } from '../../src/inputs/input-error.js';
import { checkJsonBody, parseJsonConditions } from '../../src/health/json-conditions.js';

const check = (body: unknown, conditions: string): string | undefined =>
  checkJsonBody(JSON.stringify(body), parseJsonConditions(conditions));

describe('parseJsonConditions', () => {
  test('reads conditions one per line or comma-separated, with every operator', () => {
    const parsed = parseJsonConditions('status == healthy, version != v0\nuptime >= 10\nitems[0].x<3,a.b.c > -1.5, n <= 2');
    expect(parsed.map(({ path, operator, value }) => [path, operator, value])).toEqual([
      ['status', '==', 'healthy'],
      ['version', '!=', 'v0'],
      ['uptime', '>=', '10'],
      ['items[0].x', '<', '3'],
      ['a.b.c', '>', '-1.5'],
      ['n', '<=', '2'],
    ]);
    expect(parsed[3]?.segments).toEqual(['items', 0, 'x']);
  });

  test('keeps commas, spaces and escaped quotes inside quoted values', () => {
    const [condition] = parseJsonConditions('message == "up, and \\"fine\\""');
    expect(condition?.value).toBe('up, and "fine"');
    expect(parseJsonConditions('a == "x y", b == z')).toHaveLength(2);
  });

  test.each([
    ['status healthy', /needs one of ==/],
    ['== healthy', /"" is not a path/],
    ['status ==', /value is missing/],
    ['a..b == 1', /"a\.\.b" is not a path/],
    ['items[x] == 1', /is not a path/],
    ['uptime >= soon', />= needs a number, not "soon"/],
    ['msg == "open', /quotes are unbalanced/],
  ])('rejects %j with an InputError naming it', (text, why) => {
    const parse = (): unknown => parseJsonConditions(`status == ok\n${text}`);
    expect(parse).toThrow(InputError);
    expect(parse).toThrow(why);
    expect(parse).toThrow(`"${text}"`);
  });
});

describe('checkJsonBody', () => {
  const doc = { status: 'healthy', version: 'v1.2.3', ok: true, count: 3, uptime: '42', checks: { db: { ms: 12 } }, items: [{ x: 'a b' }], none: null };

  test('holds when every condition holds', () => {
    expect(
      check(doc, 'status == healthy, version == v1.2.3, ok == true, count == 3, uptime > 41, checks.db.ms < 50, items[0].x == "a b", none == null, version != v1'),
    ).toBeUndefined();
  });

  test('names the first condition that fails with the value seen', () => {
    expect(check({ ...doc, status: 'starting' }, 'status == healthy')).toBe('json status was "starting", expected "healthy"');
    expect(check(doc, 'version == v2')).toBe('json version was "v1.2.3", expected "v2"');
    expect(check(doc, 'version != v1.2.3')).toBe('json version was "v1.2.3", expected != "v1.2.3"');
    expect(check(doc, 'checks.db.ms <= 10')).toBe('json checks.db.ms was 12, expected <= 10');
    expect(check(doc, 'checks == ok')).toBe('json checks was {"db":{"ms":12}}, expected "ok"');
  });

  test('reports missing paths, wrong types for numbers and non-JSON bodies', () => {
    expect(check(doc, 'checks.redis.ms < 5')).toBe('json checks.redis.ms was missing, expected < 5');
    expect(check(doc, 'items[3].x == a')).toBe('json items[3].x was missing, expected "a"');
    expect(check(doc, 'status > 1')).toBe('json status was "healthy", expected > 1');
    expect(checkJsonBody('<html>oops</html>', parseJsonConditions('status == healthy'))).toBe('body is not JSON');
    expect(checkJsonBody('<html>oops</html>', [])).toBeUndefined();
  });

  test('does not follow inherited properties', () => {
    expect(check({}, 'constructor == x')).toBe('json constructor was missing, expected "x"');
  });
});
