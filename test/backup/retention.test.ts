import type { KeepRules } from '../../src/backup/keep-rules.js';
import type { RetentionCandidate, RetentionPlan } from '../../src/backup/retention.js';
import { INCOMPLETE_GRACE_MS, planRetention } from '../../src/backup/retention.js';

const none: KeepRules = { last: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 };

/** A backup whose key is its time, so expectations read as times. */
const backup = (time: string, good = true): RetentionCandidate => ({ key: time, time: new Date(time), good });

/** The plan as key → reasons and key → why, newest first. */
function outline(plan: RetentionPlan): { keep: Array<[string, string[]]>; remove: Array<[string, string]> } {
  for (const entry of [...plan.keep, ...plan.remove]) expect(entry.time).toEqual(new Date(entry.key));
  return { keep: plan.keep.map(({ key, reasons }) => [key, reasons]), remove: plan.remove.map(({ key, why }) => [key, why]) };
}

/** Planned long after every backup of these tests, past any grace for incomplete ones. */
const planAtLeisure = (backups: RetentionCandidate[], rules: KeepRules): RetentionPlan => planRetention(backups, rules, new Date('2031-01-01T00:00:00Z'));

const NOT_KEPT = 'kept by no rule';
const INCOMPLETE = 'no manifest (incomplete backup)';
const IN_PROGRESS = 'no manifest yet, newer than any good backup';

describe('planRetention', () => {
  it('plans nothing for no backups', () => {
    expect(planAtLeisure([], { ...none, last: 3 })).toEqual({ keep: [], remove: [] });
  });

  it('keeps a single backup, for every rule that applies', () => {
    expect(outline(planAtLeisure([backup('2026-11-30T23:27:46Z')], { last: 10, daily: 7, weekly: 4, monthly: 6, yearly: 1 }))).toEqual({
      keep: [['2026-11-30T23:27:46Z', ['newest good', 'last', 'daily 2026-11-30', 'weekly 2026-W49', 'monthly 2026-11', 'yearly 2026']]],
      remove: [],
    });
  });

  it('sorts newest first whatever the listing order, and keeps the newest of each day', () => {
    const listing = ['2026-11-29T12:00:00Z', '2026-11-30T01:00:00Z', '2026-11-28T23:59:59Z', '2026-11-30T23:00:00Z', '2026-11-29T00:00:00Z', '2026-11-30T12:00:00Z'];
    expect(outline(planAtLeisure(listing.map((time) => backup(time)), { ...none, daily: 2 }))).toEqual({
      keep: [
        ['2026-11-30T23:00:00Z', ['newest good', 'daily 2026-11-30']],
        ['2026-11-29T12:00:00Z', ['daily 2026-11-29']],
      ],
      remove: [
        ['2026-11-30T12:00:00Z', NOT_KEPT],
        ['2026-11-30T01:00:00Z', NOT_KEPT],
        ['2026-11-29T00:00:00Z', NOT_KEPT],
        ['2026-11-28T23:59:59Z', NOT_KEPT],
      ],
    });
  });

  it('counts days that have a backup, so a gap does not use up daily', () => {
    const days = ['2026-11-30', '2026-11-27', '2026-11-26', '2026-11-20', '2026-11-19', '2026-11-12', '2026-11-05', '2026-11-01', '2026-10-30'];
    const plan = planAtLeisure(days.map((day) => backup(`${day}T03:00:00Z`)), { ...none, daily: 7 });
    expect(plan.keep.map(({ reasons }) => reasons.at(-1))).toEqual(days.slice(0, 7).map((day) => `daily ${day}`));
    expect(plan.remove.map(({ key }) => key)).toEqual(['2026-11-01T03:00:00Z', '2026-10-30T03:00:00Z']);
  });

  it('splits days, months and years at UTC midnight on Dec 31 / Jan 1, but not the ISO week 2026-W53', () => {
    const backups = ['2027-01-01T00:00:00Z', '2026-12-31T23:59:59Z', '2026-12-31T00:00:00Z', '2026-12-27T12:00:00Z', '2026-12-20T12:00:00Z'].map((time) => backup(time));
    expect(outline(planAtLeisure(backups, { ...none, daily: 2 })).keep.map(([key]) => key)).toEqual(['2027-01-01T00:00:00Z', '2026-12-31T23:59:59Z']);
    expect(outline(planAtLeisure(backups, { ...none, monthly: 2 })).keep.map(([key]) => key)).toEqual(['2027-01-01T00:00:00Z', '2026-12-31T23:59:59Z']);
    expect(outline(planAtLeisure(backups, { ...none, yearly: 2 })).keep.map(([key]) => key)).toEqual(['2027-01-01T00:00:00Z', '2026-12-31T23:59:59Z']);
    // Monday 2026-12-28 to Sunday 2027-01-03 is 2026-W53 (`date -d 2027-01-01 +%G-W%V`); Sunday 2026-12-27 ends W52.
    expect(outline(planAtLeisure(backups, { ...none, weekly: 3 }))).toEqual({
      keep: [
        ['2027-01-01T00:00:00Z', ['newest good', 'weekly 2026-W53']],
        ['2026-12-27T12:00:00Z', ['weekly 2026-W52']],
        ['2026-12-20T12:00:00Z', ['weekly 2026-W51']],
      ],
      remove: [
        ['2026-12-31T23:59:59Z', NOT_KEPT],
        ['2026-12-31T00:00:00Z', NOT_KEPT],
      ],
    });
  });

  it.each([
    ['2027-01-04T00:00:00Z', '2027-W01'],
    ['2027-01-03T23:59:59Z', '2026-W53'],
    ['2024-12-30T00:00:00Z', '2025-W01'],
    ['2024-12-29T23:59:59Z', '2024-W52'],
    ['2026-01-01T00:00:00Z', '2026-W01'],
    ['2028-02-29T12:00:00Z', '2028-W09'],
    ['2026-11-29T23:59:59Z', '2026-W48'],
  ])('puts %s in ISO week %s', (time, week) => {
    expect(planAtLeisure([backup(time)], { ...none, weekly: 1 }).keep[0]?.reasons).toEqual(['newest good', `weekly ${week}`]);
  });

  it('keeps the leap day as its own day and as the newest of February', () => {
    const backups = ['2028-03-01T00:00:00Z', '2028-02-29T23:59:59Z', '2028-02-29T00:00:00Z', '2028-02-28T23:59:59Z', '2028-02-01T00:00:00Z'].map((time) => backup(time));
    expect(outline(planAtLeisure(backups, { ...none, daily: 3, monthly: 2 }))).toEqual({
      keep: [
        ['2028-03-01T00:00:00Z', ['newest good', 'daily 2028-03-01', 'monthly 2028-03']],
        ['2028-02-29T23:59:59Z', ['daily 2028-02-29', 'monthly 2028-02']],
        ['2028-02-28T23:59:59Z', ['daily 2028-02-28']],
      ],
      remove: [
        ['2028-02-29T00:00:00Z', NOT_KEPT],
        ['2028-02-01T00:00:00Z', NOT_KEPT],
      ],
    });
  });

  it('keeps grandfather-father-son generations of daily backups, each with all its reasons', () => {
    const days: string[] = [];
    for (let day = new Date('2026-11-30T03:00:00Z'); day >= new Date('2025-12-01'); day = new Date(day.getTime() - 86_400_000)) {
      days.push(day.toISOString().replace('.000', ''));
    }
    const plan = outline(planAtLeisure(days.map((time) => backup(time)), { last: 2, daily: 3, weekly: 3, monthly: 3, yearly: 2 }));
    const keep: Array<[string, string[]]> = [
      ['2026-11-30T03:00:00Z', ['newest good', 'last', 'daily 2026-11-30', 'weekly 2026-W49', 'monthly 2026-11', 'yearly 2026']],
      ['2026-11-29T03:00:00Z', ['last', 'daily 2026-11-29', 'weekly 2026-W48']],
      ['2026-11-28T03:00:00Z', ['daily 2026-11-28']],
      ['2026-11-22T03:00:00Z', ['weekly 2026-W47']],
      ['2026-10-31T03:00:00Z', ['monthly 2026-10']],
      ['2026-09-30T03:00:00Z', ['monthly 2026-09']],
      ['2025-12-31T03:00:00Z', ['yearly 2025']],
    ];
    expect(plan.keep).toEqual(keep);
    const kept = new Set(keep.map(([key]) => key));
    expect(plan.remove).toEqual(days.filter((key) => !kept.has(key)).map((key) => [key, NOT_KEPT]));
    expect(plan.remove).toHaveLength(365 - 7);
  });

  it('counts only good backups for last, skipping those without a manifest', () => {
    const backups = [backup('2026-11-30T04:00:00Z'), backup('2026-11-30T03:00:00Z', false), backup('2026-11-30T02:00:00Z'), backup('2026-11-30T01:00:00Z')];
    expect(outline(planAtLeisure(backups, { ...none, last: 2 }))).toEqual({
      keep: [
        ['2026-11-30T04:00:00Z', ['newest good', 'last']],
        ['2026-11-30T02:00:00Z', ['last']],
      ],
      remove: [
        ['2026-11-30T03:00:00Z', INCOMPLETE],
        ['2026-11-30T01:00:00Z', NOT_KEPT],
      ],
    });
  });

  it('keeps backups without a manifest that are newer than the newest good one, and does not count them by day', () => {
    const backups = [backup('2026-11-30T05:00:00Z', false), backup('2026-11-30T04:00:00Z'), backup('2026-11-29T05:00:00Z', false), backup('2026-11-29T04:00:00Z'), backup('2026-11-28T04:00:00Z')];
    expect(outline(planAtLeisure(backups, { ...none, daily: 2 }))).toEqual({
      keep: [
        ['2026-11-30T05:00:00Z', [IN_PROGRESS]],
        ['2026-11-30T04:00:00Z', ['newest good', 'daily 2026-11-30']],
        ['2026-11-29T04:00:00Z', ['daily 2026-11-29']],
      ],
      remove: [
        ['2026-11-29T05:00:00Z', INCOMPLETE],
        ['2026-11-28T04:00:00Z', NOT_KEPT],
      ],
    });
  });

  it('keeps every backup when none has a manifest, since none is older than a good one', () => {
    const backups = [backup('2026-11-29T04:00:00Z', false), backup('2026-11-30T04:00:00Z', false)];
    expect(outline(planAtLeisure(backups, { ...none, last: 1 }))).toEqual({
      keep: [
        ['2026-11-30T04:00:00Z', [IN_PROGRESS]],
        ['2026-11-29T04:00:00Z', [IN_PROGRESS]],
      ],
      remove: [],
    });
  });

  it('keeps the newest good backup even when the rules keep nothing', () => {
    const backups = [backup('2026-11-30T05:00:00Z', false), backup('2026-11-30T04:00:00Z'), backup('2026-11-29T04:00:00Z')];
    expect(outline(planAtLeisure(backups, none))).toEqual({
      keep: [
        ['2026-11-30T05:00:00Z', [IN_PROGRESS]],
        ['2026-11-30T04:00:00Z', ['newest good']],
      ],
      remove: [['2026-11-29T04:00:00Z', NOT_KEPT]],
    });
  });

  it('with monthly=1 keeps only the newest good backup', () => {
    const backups = ['2026-11-30T04:00:00Z', '2026-11-02T04:00:00Z', '2026-10-31T04:00:00Z'].map((time) => backup(time));
    expect(outline(planAtLeisure(backups, { ...none, monthly: 1 }))).toEqual({
      keep: [['2026-11-30T04:00:00Z', ['newest good', 'monthly 2026-11']]],
      remove: [
        ['2026-11-02T04:00:00Z', NOT_KEPT],
        ['2026-10-31T04:00:00Z', NOT_KEPT],
      ],
    });
  });

  test('an incomplete backup younger than the grace period stays, even older than the newest good one: it may still be uploading', () => {
    const backups = [backup('2026-11-30T12:00:00Z'), backup('2026-11-30T11:00:00Z', false), backup('2026-11-28T11:00:00Z', false)];
    const now = new Date(new Date('2026-11-30T11:00:00Z').getTime() + INCOMPLETE_GRACE_MS - 1);
    expect(outline(planRetention(backups, { ...none, last: 1 }, now))).toEqual({
      keep: [
        ['2026-11-30T12:00:00Z', ['newest good', 'last']],
        ['2026-11-30T11:00:00Z', ['no manifest yet, may still be uploading']],
      ],
      remove: [['2026-11-28T11:00:00Z', INCOMPLETE]],
    });
  });
});
