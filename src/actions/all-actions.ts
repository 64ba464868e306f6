import type { ActionMetadata } from './action-metadata.js';
import { botDeployAction } from './bot-deploy.js';
import { githubDeploymentAction } from './github-deployment.js';
import { healthGateAction } from './health-gate.js';
import { blueGreenSwitchAction } from './blue-green-switch.js';
import { pgBackupToSpacesAction } from './pg-backup-to-spaces.js';
import { slackNotifyAction } from './slack-notify.js';
import { sshDeployAction } from './ssh-deploy.js';
import { telegramNotifyAction } from './telegram-notify.js';

/** Every action the build bundles and writes an action.yml for. */
export const allActions: readonly ActionMetadata[] = [
  botDeployAction,
  blueGreenSwitchAction,
  githubDeploymentAction,
  healthGateAction,
  pgBackupToSpacesAction,
  slackNotifyAction,
  sshDeployAction,
  telegramNotifyAction,
];
