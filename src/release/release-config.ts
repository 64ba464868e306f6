import { blueGreenSwitchAction } from '../actions/blue-green-switch.js';
import { pgBackupToSpacesAction } from '../actions/pg-backup-to-spaces.js';
import { releaseRoutes } from '../actions/release-routes.js';
import { slackNotifyAction } from '../actions/slack-notify.js';
import { sshDeployAction } from '../actions/ssh-deploy.js';
import { telegramNotifyAction } from '../actions/telegram-notify.js';
import { readBackupConfig, type BackupConfig } from '../backup/backup-config.js';
import { readBlueGreenConfig, type BlueGreenConfig } from '../blue-green/blue-green-config.js';
import { readDeployConfig, readRegistry, type DeployConfig, type RegistryLogin } from '../deploy/deploy-config.js';
import { InputError } from '../inputs/input-error.js';
import { splitList, type Inputs } from '../inputs/inputs.js';
import { readRouted } from '../inputs/routed-input-errors.js';
import type { WorkspaceFiles } from '../inputs/workspace-files.js';
import type { Log } from '../log/log.js';
import { maskSlackSecrets, readSlackTarget } from '../notify/slack/slack-target.js';
import { readTelegramNotifyConfig } from '../notify/telegram/telegram-notify-config.js';

/** The notice a channel is asked to send: what the pipeline knows at that moment. */
export interface NoticeValues {
  status: string;
  version: string;
  previousRelease: string;
  /** What happened, in words (a rollback's target, why a release was rolled back). */
  text: string;
  /** Inputs naming the message to update, once the channel sent one (Slack's ts and channel ID, Telegram's message-id). */
  update: Readonly<Record<string, string>>;
  startedAt: number;
}

/** A notify action's inputs for one notice: the workflow's channel settings plus what the pipeline fills in. */
export type NoticeInputsOf = (values: NoticeValues) => Inputs;

/** The root action's inputs, each part's read and checked by that part's own reader before anything connects. */
export interface ReleaseConfig {
  rollback: boolean;
  /** Stage the release without switching (absent on a rollback). */
  stage?: DeployConfig;
  /** A rollback's login, to pull an image of the target that is gone from the host. */
  registry?: RegistryLogin;
  switch: BlueGreenConfig;
  /** The way back after a failure past the switch: to the release that served before. */
  switchBack: BlueGreenConfig;
  soak: { soakMs: number; maxFailureRatio: number };
  /** A backup before the deploy, when `spaces-bucket` is given (never on a rollback). */
  backup?: BackupConfig;
  slack?: NoticeInputsOf;
  telegram?: NoticeInputsOf;
}

export function readReleaseConfig(inputs: Inputs, log: Log, workspace: WorkspaceFiles, gitSha: string): ReleaseConfig {
  const rollback = inputs.bool('rollback');
  const switchConfig = readRouted(releaseRoutes.switch, () => readBlueGreenConfig(inputs.routed(blueGreenSwitchAction.inputs, releaseRoutes.switch, { rollback: String(rollback) }), log));
  const soakMs = inputs.durationMs('soak');
  if (soakMs > 0 && soakMs < switchConfig.health.gate.intervalMs) {
    throw new InputError('Input `soak` must be 0 or at least `interval`, so the soak checks at least once.');
  }
  const maxFailureRatio = inputs.number('max-failure-ratio');
  if (maxFailureRatio < 0 || maxFailureRatio > 1) throw new InputError(`Input \`max-failure-ratio\` must be between 0 and 1, not ${maxFailureRatio}.`);
  return {
    rollback,
    ...(rollback ? readRollbackRegistry(inputs, log) : { stage: readRouted(releaseRoutes.deploy, () => readDeployConfig(inputs.routed(sshDeployAction.inputs, releaseRoutes.deploy, { strategy: 'none' }), log, workspace)) }),
    switch: switchConfig,
    switchBack: { ...switchConfig, rollback: true, version: '' },
    soak: { soakMs, maxFailureRatio },
    ...(rollback || inputs.optional('spaces-bucket') === '' ? {} : { backup: readBackup(inputs, log, gitSha) }),
    ...readNotices(inputs, log),
  };
}

function readRollbackRegistry(inputs: Inputs, log: Log): { registry?: RegistryLogin } {
  const registry = readRouted(releaseRoutes.deploy, () => readRegistry(inputs.routed(sshDeployAction.inputs, releaseRoutes.deploy), log));
  return registry ? { registry } : {};
}

/** The dump runs on the first host, where a compose stack's database is (several hosts share one database, or use `backup-source: url`). */
function readBackup(inputs: Inputs, log: Log, gitSha: string): BackupConfig {
  const [firstHost = ''] = splitList(inputs.optional('host'));
  return readRouted(releaseRoutes.backup, () => readBackupConfig(inputs.routed(pgBackupToSpacesAction.inputs, releaseRoutes.backup, { mode: 'backup', host: firstHost }), log, gitSha));
}

/**
 * Slack when a webhook or bot token is given, the admin chat when a chat is given. Their settings
 * are checked here, with a first notice's values, so a typo fails before the deploy, not after it.
 */
export function readNotices(inputs: Inputs, log: Log): Pick<ReleaseConfig, 'slack' | 'telegram'> {
  const noticeValues = (values: NoticeValues): Record<string, string> => ({
    status: values.status,
    version: values.version,
    'previous-release': values.previousRelease,
    text: values.text,
    'started-at': String(values.startedAt),
    ...values.update,
  });
  const slack: NoticeInputsOf = (values) => inputs.routed(slackNotifyAction.inputs, releaseRoutes.slack, noticeValues(values));
  const telegram: NoticeInputsOf = (values) => inputs.routed(telegramNotifyAction.inputs, releaseRoutes.telegram, noticeValues(values));
  const first: NoticeValues = { status: 'started', version: '', previousRelease: '', text: '', update: {}, startedAt: Date.now() };
  const withSlack = inputs.raw('slack-webhook-url').trim() !== '' || inputs.raw('slack-bot-token').trim() !== '';
  if (withSlack) {
    maskSlackSecrets(slack(first), log);
    readRouted(releaseRoutes.slack, () => readSlackTarget(slack(first), log));
  }
  const withTelegram = inputs.optional('telegram-chat-id') !== '';
  if (withTelegram) readRouted(releaseRoutes.telegram, () => readTelegramNotifyConfig(telegram(first), log));
  return { ...(withSlack ? { slack } : {}), ...(withTelegram ? { telegram } : {}) };
}
