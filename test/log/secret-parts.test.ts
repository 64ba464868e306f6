import { secretParts } from '../../src/log/secret-parts.js';

describe('secretParts', () => {
  it('registers a value whole and each long word of it, so `Bearer <token>` also hides the token alone', () => {
    expect(secretParts('Bearer abcdef123456')).toEqual(['Bearer abcdef123456', 'abcdef123456']);
  });

  it('registers each line of a multi-line value, trimmed, and the long words of each line', () => {
    expect(secretParts('first-line-secret\n  second line here\r\n')).toEqual([
      'first-line-secret\n  second line here\r\n',
      'first-line-secret',
      'second line here',
    ]);
  });

  it('never registers a part shorter than 4 characters, or a PEM armor line or its words', () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQyNTUxOQ\n-----END OPENSSH PRIVATE KEY-----\n';
    expect(secretParts(key)).toEqual([key, 'b3BlbnNzaC1rZXktdjEAAAAA', 'QyNTUxOQ']);
    expect(secretParts('abc')).toEqual([]);
    expect(secretParts('ab\ncd\n')).toEqual(['ab\ncd\n']);
    expect(secretParts('  \n ')).toEqual([]);
  });

  it('keeps a short word inside its line rather than registering it alone', () => {
    expect(secretParts('correct horse battery staple')).toEqual(['correct horse battery staple']);
  });
});
