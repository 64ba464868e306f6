import { InputError } from '../inputs/input-error.js';
import type { InputSpec } from '../inputs/input-spec.js';
import type { Inputs } from '../inputs/inputs.js';
import { NOTICE_STATUSES, type NoticeInputs } from './deploy-notice.js';

/** The inputs every notify action declares: what happened, beyond the channel's own settings. */
export const noticeInputSpecs: readonly InputSpec[] = [
  { name: 'status', required: true, section: 'what happened', description: `${NOTICE_STATUSES.join(', ')}.` },
  { name: 'environment', default: 'production', description: 'The environment deployed to, e.g. production or staging.' },
  { name: 'version', description: 'The release deployed (a tag or SHA).' },
  { name: 'previous-release', description: 'The release it replaced (ssh-deploy\'s `previous-release` output), shown so a reader knows what a rollback goes back to.' },
  { name: 'title', description: 'A headline; defaults to the repository\'s name.' },
  { name: 'text', description: 'More text (plain: it is escaped for the channel).' },
  { name: 'started-at', description: 'When the deploy started, in epoch milliseconds (the `started-at` output of the first notify step); the message then shows the duration.' },
  { name: 'fail-on-error', default: 'false', description: 'Fail the step when the notification cannot be delivered. By default a failed notification is a warning and never fails a deploy.' },
];

export function readNoticeInputs(inputs: Inputs): NoticeInputs {
  const startedText = inputs.optional('started-at');
  if (startedText !== '' && !/^\d{12,14}$/.test(startedText)) {
    throw new InputError(`Input \`started-at\` must be epoch milliseconds (an earlier notify step's started-at output), not "${startedText}".`);
  }
  return {
    status: inputs.oneOf('status', NOTICE_STATUSES),
    environment: inputs.optional('environment'),
    version: inputs.optional('version'),
    title: inputs.optional('title'),
    text: inputs.optional('text'),
    previousRelease: inputs.optional('previous-release'),
    ...(startedText === '' ? {} : { startedAt: Number(startedText) }),
  };
}
