import { spawnSync } from 'node:child_process';
import { killableCommand, MarkerFilter } from '../../src/host/killable-command.js';
import { LineStream } from '../../src/ssh/line-stream.js';

describe('command output handling', () => {
  it('cuts lines as they complete, keeps multi-byte characters split across chunks, flushes the last partial line', () => {
    const lines: string[] = [];
    const stream = new LineStream((completed) => lines.push(...completed));
    const text = Buffer.from('one\r\nzwei ü\ndrei');
    const split = text.indexOf(Buffer.from('ü')) + 1;
    stream.write(text.subarray(0, split));
    expect(lines).toEqual(['one']);
    stream.write(text.subarray(split));
    expect(lines).toEqual(['one', 'zwei ü']);
    stream.end();
    expect(lines).toEqual(['one', 'zwei ü', 'drei']);
    expect(stream.text).toBe('one\r\nzwei ü\ndrei');
  });

  it('hands over the lines one chunk completes as one batch, for the log to print as one block', () => {
    const batches: string[][] = [];
    const stream = new LineStream((lines) => batches.push(lines));
    stream.write(Buffer.from('::warning::a\n::add-mask::b\npart'));
    stream.write(Buffer.from('ial\n'));
    stream.write(Buffer.from('last'));
    stream.end();
    expect(batches).toEqual([['::warning::a', '::add-mask::b'], ['partial'], ['last']]);
  });

  it('wraps the command so it runs unchanged under sh after the PGID marker', () => {
    const { line, marker } = killableCommand(`echo 'it''s' "$HOME"`);
    expect(marker).toMatch(/^bot-deploy-pgid-[0-9a-f]{12}=$/);
    expect(line).toBe(`echo ${marker}$$; exec sh -c 'echo '\\''it'\\'''\\''s'\\'' "$HOME"'`);
    expect(killableCommand('true').marker).not.toBe(marker);
  });

  it.each(['dash', 'bash'])('runs the wrapped command the same under %s as a login shell, after printing that shell\'s PID', (shell) => {
    const { line, marker } = killableCommand(`printf '%s|' "$0" "a b" 'c'"'"'d'; echo; cat`);
    const result = spawnSync(shell, ['-c', line], { input: 'from stdin', encoding: 'utf8' });
    expect(result.stdout).toBe(`${marker}${result.pid}\nsh|a b|c'd|\nfrom stdin`);
  });

  it('takes the marker line out of stdout even when it arrives in pieces after login-shell chatter', () => {
    const { marker } = killableCommand('true');
    const forwarded: Buffer[] = [];
    const pgids: number[] = [];
    const filter = new MarkerFilter(marker, (pgid) => pgids.push(pgid), (chunk) => forwarded.push(chunk));
    const stdout = `welcome from .bashrc\n${marker}4242\nhello\n`;
    for (const piece of [stdout.slice(0, 25), stdout.slice(25, 40), stdout.slice(40)]) filter.write(Buffer.from(piece));
    filter.write(Buffer.from(`${marker}1\n`));
    filter.end();
    expect(pgids).toEqual([4242]);
    expect(Buffer.concat(forwarded).toString()).toBe(`welcome from .bashrc\nhello\n${marker}1\n`);
  });

  it('passes stdout through when the marker never comes', () => {
    const forwarded: Buffer[] = [];
    const filter = new MarkerFilter('m=', () => undefined, (chunk) => forwarded.push(chunk));
    filter.write(Buffer.from('no marker here'));
    filter.end();
    expect(Buffer.concat(forwarded).toString()).toBe('no marker here');
  });
});
