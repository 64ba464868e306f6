import { pointNginx } from '../../../src/blue-green/steps/point-nginx.js';
import { readFileIfAny, removeFile, userCommand } from '../../../src/host/nginx-commands.js';
import { scriptedContext } from '../../support/scripted-context.js';
import { ScriptedSession } from '../../support/scripted-session.js';

const nginx = { upstreamFile: '/etc/nginx/bot-deploy/bot.conf', testCommand: 'sudo nginx -t', reloadCommand: 'sudo nginx -s reload' };
const previous = 'upstream bot {\n  server 127.0.0.1:8081;\n}\n';

describe('pointNginx', () => {
  it('writes the upstream, tests, then reloads', async () => {
    const session = new ScriptedSession().on(readFileIfAny(nginx.upstreamFile), { stdout: previous });
    await pointNginx(scriptedContext(session).ctx, nginx, 8082);
    expect(session.files.map((f) => [f.path, f.content.includes('server 127.0.0.1:8082;')])).toEqual([[nginx.upstreamFile, true]]);
    const test = session.lines.indexOf(userCommand(nginx.testCommand));
    const reload = session.lines.indexOf(userCommand(nginx.reloadCommand));
    expect(test).toBeGreaterThan(-1);
    expect(reload).toBeGreaterThan(test);
  });

  it('puts the previous file back and reloads nothing when the test fails, quoting nginx', async () => {
    const session = new ScriptedSession()
      .on(readFileIfAny(nginx.upstreamFile), { stdout: previous })
      .on(userCommand(nginx.testCommand), { code: 1, stderr: 'nginx: [emerg] host not found in upstream "x" in /etc/nginx/sites/bot.conf:3\nnginx: configuration file /etc/nginx/nginx.conf test failed\n' });
    await expect(pointNginx(scriptedContext(session).ctx, nginx, 8082)).rejects.toThrow(
      /^nginx rejected the configuration with the new upstream on web1 \(nginx: \[emerg\] host not found .* ⏎ nginx: configuration file .* test failed\); the previous \/etc\/nginx\/bot-deploy\/bot\.conf is back, nothing was reloaded and the old color still serves\.$/,
    );
    expect(session.files.map((f) => f.content)).toEqual([expect.stringContaining('8082'), previous]);
    expect(session.count(userCommand(nginx.reloadCommand))).toBe(0);
  });

  it('removes the file again when there was none before', async () => {
    const session = new ScriptedSession().on(userCommand(nginx.testCommand), { code: 1, stderr: 'bad\n' });
    await expect(pointNginx(scriptedContext(session).ctx, nginx, 8082)).rejects.toThrow(/nginx rejected/);
    expect(session.count(removeFile(nginx.upstreamFile))).toBe(1);
    expect(session.count(userCommand(nginx.reloadCommand))).toBe(0);
  });

  it('puts the previous file back when the reload fails, so a later reload by anyone keeps serving the old color', async () => {
    const session = new ScriptedSession()
      .on(readFileIfAny(nginx.upstreamFile), { stdout: previous })
      .on(userCommand(nginx.reloadCommand), { code: 1, stderr: 'sudo: a password is required\n' });
    await expect(pointNginx(scriptedContext(session).ctx, nginx, 8082)).rejects.toThrow(/The previous \/etc\/nginx\/bot-deploy\/bot\.conf is back; fix the reload command and re-run\.$/);
    expect(session.files.map((f) => f.content)).toEqual([expect.stringContaining('8082'), previous]);
  });
});
