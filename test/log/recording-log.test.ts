import { RecordingLog } from '../../src/log/recording-log.js';

describe('RecordingLog', () => {
  it('masks a secret whole, line by line and word by word, as the runner log would', () => {
    const log = new RecordingLog();
    log.mask('Bearer tok-0123456789');
    log.mask('line-one-secret\nline-two-secret');
    log.info('header: Bearer tok-0123456789');
    log.info('token alone: tok-0123456789');
    log.warning('second line alone: line-two-secret');
    expect(log.lines).toEqual(['header: ***', 'token alone: ***', 'warning: second line alone: ***']);
  });

  it('does not star out short values or key armor', () => {
    const log = new RecordingLog();
    log.mask('yes');
    log.mask('-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAC3NzaC1lZDI1NTE5\n-----END OPENSSH PRIVATE KEY-----');
    log.info('yes: -----BEGIN OPENSSH PRIVATE KEY----- AAAAC3NzaC1lZDI1NTE5');
    expect(log.lines).toEqual(['yes: -----BEGIN OPENSSH PRIVATE KEY----- ***']);
  });

  it('records host output lines masked', () => {
    const log = new RecordingLog();
    log.mask('hunter2-secret');
    log.hostOutput(['::warning::hunter2-secret', 'plain']);
    expect(log.lines).toEqual(['::warning::***', 'plain']);
  });
});
