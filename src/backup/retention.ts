import type { KeepRules } from './keep-rules.js';

/** A stored dump; `good` when its manifest exists, which is written only once the upload completed. */
export interface RetentionCandidate {
  key: string;
  time: Date;
  good: boolean;
}

/** What to keep and what to delete, each newest first. */
export interface RetentionPlan {
  keep: Array<{ key: string; time: Date; reasons: string[] }>;
  remove: Array<{ key: string; time: Date; why: string }>;
}

type CalendarRule = Exclude<keyof KeepRules, 'last'>;

/** `2026-W53`: the ISO 8601 week (Monday first) and its week-year, which is the year of the week's Thursday. */
function isoWeek(time: Date): string {
  const mondayBased = (time.getUTCDay() + 6) % 7;
  const thursday = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate() + 3 - mondayBased));
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

const PERIODS: Array<{ rule: CalendarRule; period: (time: Date) => string }> = [
  { rule: 'daily', period: (time) => time.toISOString().slice(0, 10) },
  { rule: 'weekly', period: isoWeek },
  { rule: 'monthly', period: (time) => time.toISOString().slice(0, 7) },
  { rule: 'yearly', period: (time) => time.toISOString().slice(0, 4) },
];

/**
 * Grandfather-father-son retention as restic and borg do it, on the UTC calendar: `last` keeps the N newest
 * good backups, each calendar rule the newest good backup of each of its N most recent periods that have one
 * (so a gap of missing days does not use up `daily`). Backups without a manifest never count; those newer
 * than the newest good one may be uploads still in progress, so they stay.
 */
/**
 * A dump without manifest this young may be a backup still uploading (one that waited for the deploy
 * lock, or a URL backup that takes none): never deleted, whatever is newer.
 */
export const INCOMPLETE_GRACE_MS = 24 * 3_600_000;

export function planRetention(backups: RetentionCandidate[], rules: KeepRules, now: Date): RetentionPlan {
  const newestFirst = [...backups].sort((a, b) => b.time.getTime() - a.time.getTime());
  const newestGood = newestFirst.find((backup) => backup.good);
  const periodsKept = PERIODS.map((calendar) => ({ ...calendar, kept: new Set<string>() }));
  let goodSeen = 0;
  const plan: RetentionPlan = { keep: [], remove: [] };
  for (const { key, time, good } of newestFirst) {
    if (!good) {
      if (newestGood === undefined || time.getTime() > newestGood.time.getTime()) {
        plan.keep.push({ key, time, reasons: ['no manifest yet, newer than any good backup'] });
      } else if (now.getTime() - time.getTime() < INCOMPLETE_GRACE_MS) {
        plan.keep.push({ key, time, reasons: ['no manifest yet, may still be uploading'] });
      } else {
        plan.remove.push({ key, time, why: 'no manifest (incomplete backup)' });
      }
      continue;
    }
    // Whatever the rules say, a database that has a good backup keeps one.
    const reasons = goodSeen === 0 ? ['newest good'] : [];
    if (goodSeen < rules.last) reasons.push('last');
    goodSeen += 1;
    for (const { rule, period, kept } of periodsKept) {
      const label = period(time);
      if (kept.size < rules[rule] && !kept.has(label)) {
        kept.add(label);
        reasons.push(`${rule} ${label}`);
      }
    }
    if (reasons.length > 0) plan.keep.push({ key, time, reasons });
    else plan.remove.push({ key, time, why: 'kept by no rule' });
  }
  return plan;
}
