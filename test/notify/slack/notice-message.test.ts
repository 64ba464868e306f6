import type { ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { NOTICE_STATUSES, type DeployNotice } from '../../../src/notify/deploy-notice.js';
import { noticeMessage, SLACK_LIMITS } from '../../../src/notify/slack/notice-message.js';
import { blockErrors, controlSequences } from '../../support/slack-stand-in.js';

const notice: DeployNotice = {
  status: 'success',
  environment: 'production',
  version: 'v1.2.3',
  title: '',
  text: '',
  repository: 'acme/sample-bot',
  actor: 'octocat',
  runUrl: 'https://github.com/acme/sample-bot/actions/runs/42',
  commit: { sha: '0123456789abcdef0123456789abcdef01234567', message: 'Fix the thing', url: 'https://github.com/acme/sample-bot/commit/0123456789abcdef0123456789abcdef01234567' },
  previousRelease: 'v1.2.2',
  durationMs: 125_000,
};

const hostile = '<!channel> deploy now <@U123> & <#C999|general> <!subteam^S1>\n"quotes" \'single\' a & b <https://evil.test|click> 🚀🔥\n\nsecond paragraph > quote';

/** Every mrkdwn text of the message: what Slack parses for mentions and links. */
function mrkdwnTexts(blocks: KnownBlock[]): string[] {
  return blocks.flatMap((block) => {
    if (block.type === 'section') return [block.text?.text ?? '', ...(block.fields ?? []).map((field) => field.text)];
    if (block.type === 'context') return block.elements.flatMap((element) => ('text' in element ? [element.text] : []));
    return [];
  });
}

const byType = <T extends KnownBlock>(blocks: KnownBlock[], type: T['type']): T[] => blocks.filter((block): block is T => block.type === type);

describe('noticeMessage', () => {
  it('says status, environment, version, previous release, duration, actor, commit and run link', () => {
    const { text, blocks } = noticeMessage(notice);
    expect(blocks.map((block) => block.type)).toEqual(['header', 'section', 'section', 'context']);
    const [header] = byType<HeaderBlock>(blocks, 'header');
    expect(header?.text).toEqual({ type: 'plain_text', text: ':white_check_mark: sample-bot v1.2.3 → production: deployed', emoji: true });
    const [facts, commit] = byType<SectionBlock>(blocks, 'section');
    expect(facts?.fields?.map((field) => field.text)).toEqual([
      '*Status*\n:white_check_mark: success',
      '*Environment*\nproduction',
      '*Version*\nv1.2.3',
      '*Previous release*\nv1.2.2',
      '*Duration*\n2m5s',
      '*Actor*\noctocat',
    ]);
    expect(commit?.text?.text).toBe(`*Commit* <${notice.commit?.url}|0123456>\nFix the thing`);
    const [context] = byType<ContextBlock>(blocks, 'context');
    expect(context?.elements.map((element) => ('text' in element ? element.text : ''))).toEqual(['acme/sample-bot', '<https://github.com/acme/sample-bot/actions/runs/42|workflow run>']);
    expect(text).toBe(':white_check_mark: sample-bot v1.2.3 → production: deployed');
  });

  it('escapes a hostile commit message: no mention or link of its own reaches Slack, its text survives', () => {
    const { text, blocks } = noticeMessage({ ...notice, commit: { ...notice.commit!, message: hostile }, text: hostile, title: 'bot <!here> & co' });
    const sequences = mrkdwnTexts(blocks).flatMap(controlSequences);
    // Only the links the message means: the commit and the run.
    expect(sequences).toEqual([`<${notice.commit?.url}|0123456>`, '<https://github.com/acme/sample-bot/actions/runs/42|workflow run>']);
    expect(controlSequences(text)).toEqual([]);
    const [, commit, own] = byType<SectionBlock>(blocks, 'section');
    expect(commit?.text?.text).toContain(
      '&lt;!channel&gt; deploy now &lt;@U123&gt; &amp; &lt;#C999|general&gt; &lt;!subteam^S1&gt;\n"quotes" \'single\' a &amp; b &lt;https://evil.test|click&gt; 🚀🔥\n\nsecond paragraph &gt; quote',
    );
    expect(own?.text?.text).toBe(commit?.text?.text.split('\n').slice(1).join('\n'));
    // verbatim: Slack links nothing by itself in what users wrote.
    for (const block of byType<SectionBlock>(blocks, 'section')) for (const item of [block.text, ...(block.fields ?? [])]) if (item) expect(item).toMatchObject({ verbatim: true });
    // A header is plain_text, shown as typed: no escaping there.
    expect(byType<HeaderBlock>(blocks, 'header')[0]?.text.text).toBe(':white_check_mark: bot <!here> & co v1.2.3 → production: deployed');
  });

  it('keeps every block within Slack\'s limits for a 10,000-character commit message, text and title', () => {
    const long = `${'& <b> 🚀 '.repeat(1250)}`;
    expect(long.length).toBeGreaterThanOrEqual(10_000);
    const { text, blocks } = noticeMessage({ ...notice, commit: { ...notice.commit!, message: long }, text: long, title: long, version: long, environment: long, previousRelease: long, actor: long });
    expect(blockErrors(blocks)).toEqual([]);
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
    const [header] = byType<HeaderBlock>(blocks, 'header');
    expect(header?.text.text.length).toBe(SLACK_LIMITS.header);
    expect(header?.text.text.endsWith('…')).toBe(true);
    const [facts, commit, own] = byType<SectionBlock>(blocks, 'section');
    expect(commit?.text?.text.length).toBeGreaterThan(SLACK_LIMITS.sectionText - 10);
    expect(commit?.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(own?.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    for (const field of facts?.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionField);
    // Cut between whole escapes: every & left starts one.
    for (const mrkdwn of mrkdwnTexts(blocks)) expect(mrkdwn.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
  });

  it.each(NOTICE_STATUSES)('builds a valid message for status %s', (status) => {
    const { text, blocks } = noticeMessage({ ...notice, status });
    expect(blockErrors(blocks)).toEqual([]);
    const header = byType<HeaderBlock>(blocks, 'header')[0]?.text.text ?? '';
    const expected = { started: ':rocket: sample-bot v1.2.3 → production: deploying', success: ':white_check_mark: sample-bot v1.2.3 → production: deployed', failure: ':x: sample-bot v1.2.3 → production: deploy failed', cancelled: ':no_entry_sign: sample-bot v1.2.3 → production: deploy cancelled', 'rolled-back': ':rewind: sample-bot v1.2.3 → production: rolled back' }[status];
    expect(header).toBe(expected);
    expect(text).toBe(expected);
    const fields = byType<SectionBlock>(blocks, 'section')[0]?.fields?.map((field) => field.text) ?? [];
    expect(fields[0]).toMatch(new RegExp(`^\\*Status\\*\\n:[a-z_]+: ${status}$`));
    // A deploy only starting has no duration to show.
    expect(fields.some((field) => field.startsWith('*Duration*'))).toBe(status !== 'started');
  });

  it('leaves out what it does not know: no commit, run link, version or duration', () => {
    const { blocks } = noticeMessage({ ...notice, commit: undefined, runUrl: '', version: '', previousRelease: '', durationMs: undefined } as DeployNotice);
    expect(blocks.map((block) => block.type)).toEqual(['header', 'section', 'context']);
    expect(byType<HeaderBlock>(blocks, 'header')[0]?.text.text).toBe(':white_check_mark: sample-bot → production: deployed');
    expect(byType<SectionBlock>(blocks, 'section')[0]?.fields?.map((field) => field.text.split('\n')[0])).toEqual(['*Status*', '*Environment*', '*Actor*']);
    expect(byType<ContextBlock>(blocks, 'context')[0]?.elements).toHaveLength(1);
  });

  it('names the notification text with the workflow\'s own text, escaped', () => {
    expect(noticeMessage({ ...notice, title: 'faceit-bot', text: 'Ask <@U1> & co' }).text).toBe(':white_check_mark: faceit-bot v1.2.3 → production: deployed\nAsk &lt;@U1&gt; &amp; co');
  });
});
