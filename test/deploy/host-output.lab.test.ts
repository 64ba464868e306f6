import { runDistAction } from '../support/action-runner.js';
import { labSshInputs, removeAppContainers, sampleBotInputs, uniqueApp } from '../support/lab-host.js';

/** Lines a hostile or careless pre-deploy prints, each one a workflow command if the runner read it. */
const injected = [
  '::add-mask::x',
  '::warning::pwned',
  '::error::pwned-on-stderr',
  '::stop-commands::abc',
  '::abc::',
  '::warning::after-a-guessed-token',
  '::set-output name=release::pwned',
];

/**
 * Reads stdout as the runner does: `::stop-commands::<token>` stops all commands until a line
 * `::<token>::`. Returns the commands the runner would execute, and the lines inside blocks.
 */
function readAsRunner(lines: string[]): { commands: string[]; stopped: string[]; tokens: string[] } {
  const commands: string[] = [];
  const stopped: string[] = [];
  const tokens: string[] = [];
  let token: string | undefined;
  for (const line of lines) {
    if (token !== undefined) {
      if (line === `::${token}::`) token = undefined;
      else stopped.push(line);
    } else if (line.startsWith('::stop-commands::')) {
      token = line.slice('::stop-commands::'.length);
      tokens.push(token);
    } else if (line.startsWith('::')) {
      commands.push(line);
    }
  }
  return { commands, stopped, tokens };
}

describe('host output through the ssh-deploy bundle', () => {
  const app = uniqueApp('cmds');
  afterAll(() => removeAppContainers(app));

  it('shows what a pre-deploy prints but never lets the runner execute it as a workflow command', async () => {
    const raw: string[] = [];
    const printing = injected.map((line, index) => `echo '${line}'${index === 2 ? ' >&2' : ''}`).join('; ');
    const run = await runDistAction(
      'ssh-deploy',
      {
        ...labSshInputs(),
        ...sampleBotInputs('polling', app, `/srv/bot-deploy-lab/${app}`),
        version: 'v1',
        env: 'BOT_TOKEN=host-output-test-token\n',
        service: 'bot',
        'pre-deploy': printing,
      },
      { onLine: (line) => raw.push(line) },
    );
    expect(run.code).toBe(0);
    const { commands, stopped, tokens } = readAsRunner(raw);
    for (const line of injected) expect(stopped).toContain(line);
    for (const token of tokens) expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
    // Outside the blocks, only our own commands: groups, our masks, nothing the host wrote.
    expect(commands.filter((line) => /pwned|after-a-guessed|^::add-mask::x$|abc/.test(line))).toEqual([]);
    for (const line of commands) expect(line).toMatch(/^::(group|endgroup|add-mask|debug|warning|notice)::/);
    expect(commands).toContain('::add-mask::host-output-test-token');
    expect(run.outputs.release).toBe('v1');
  });
});
