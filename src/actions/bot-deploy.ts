import type { InputSpec } from '../inputs/input-spec.js';
import { lockInputSpecs } from '../pipeline/lock-inputs.js';
import { sshInputSpecs } from '../ssh/ssh-input-specs.js';
import type { InputRoutes } from '../inputs/inputs.js';
import type { ActionMetadata } from './action-metadata.js';
import { blueGreenSwitchAction } from './blue-green-switch.js';
import { pgBackupToSpacesAction } from './pg-backup-to-spaces.js';
import { releaseRoutes } from './release-routes.js';
import { slackNotifyAction } from './slack-notify.js';
import { sshDeployAction } from './ssh-deploy.js';
import { telegramNotifyAction } from './telegram-notify.js';

/** The root action's own inputs: the ones no part action has. */
const ownInputs: InputSpec[] = [
  {
    name: 'rollback',
    default: 'false',
    description: 'true rolls back instead of deploying: the switch goes back to `version`, or to the previous release when `version` is empty (no backup, no staging).',
  },
  {
    name: 'soak',
    default: '2m',
    description: 'After the switch, keep watching the new release for this long (its color\'s port in webhook mode, its containers in polling mode); a failure rolls back. `0` skips the soak.',
  },
  { name: 'max-failure-ratio', default: '0', description: 'During the soak, the share of checks allowed to fail (`0` to `1`).' },
];

/** Inputs every run needs, whatever the part: the rest is checked by the part that reads it. */
const REQUIRED = new Set(['app', 'service', 'host', 'user', 'private-key']);

/** A description that says more at the root than in the part it comes from. */
const ROOT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  version: 'The release to deploy (a tag or SHA whose image `<image>:<version>` exists); with `rollback`, the release to go back to (empty: the previous one).',
  service: 'The bot\'s compose service: it runs per color, takes `pre-deploy`, and is what the soak watches in polling mode.',
  'telegram-token': 'The bot\'s own token (a secret): the switch checks Telegram\'s view of the bot with it, and with `telegram-chat-id` it tells that admin chat what happened.',
  'spaces-bucket': 'The bucket the database is backed up to before the deploy; without it there is no backup.',
  'backup-source': 'compose (pg_dump in the stack\'s database container, on the first host, under the same lock) or url (`database-url`, from the runner).',
  environment: 'The environment deployed to, shown in the notifications (e.g. production or staging).',
};

/** Which part each group of inputs belongs to, in the order action.yml lists them. */
const GROUPS: Array<{ section: string; part: ActionMetadata; routes: InputRoutes } | { section: string; own: InputSpec[] }> = [
  { section: 'the release', part: sshDeployAction, routes: releaseRoutes.deploy },
  { section: 'the switch and its gate', part: blueGreenSwitchAction, routes: releaseRoutes.switch },
  { section: 'after the switch', own: ownInputs },
  { section: 'backup before the deploy', part: pgBackupToSpacesAction, routes: releaseRoutes.backup },
  { section: 'Slack', part: slackNotifyAction, routes: releaseRoutes.slack },
  { section: 'Telegram admin chat', part: telegramNotifyAction, routes: releaseRoutes.telegram },
];

/**
 * The root action's inputs: each the spec of the part input it feeds (so its default is that
 * part's), under the root's name, in the first group that routes it; SSH and lock inputs come last.
 */
function rootInputs(): InputSpec[] {
  const seen = new Set<string>();
  const inputs: InputSpec[] = [];
  const hostInputs: InputSpec[] = [];
  for (const group of GROUPS) {
    const specs = 'own' in group ? group.own : Object.entries(group.routes).map(([outer, inner]) => rootSpec(outer, partSpec(group.part, inner)));
    let first = true;
    for (const spec of specs) {
      if (seen.has(spec.name)) continue;
      seen.add(spec.name);
      if (isHostInput(spec.name)) {
        hostInputs.push(spec);
        continue;
      }
      const { section: _partSection, ...rest } = spec;
      inputs.push(first ? { ...rest, section: group.section } : rest);
      first = false;
    }
  }
  const [firstHostInput, ...restHostInputs] = hostInputs;
  return firstHostInput ? [...inputs, { ...firstHostInput, section: 'the host(s) and the deploy lock' }, ...restHostInputs] : inputs;
}

function rootSpec(name: string, part: InputSpec): InputSpec {
  const { required: _required, ...spec } = part;
  return { ...spec, name, description: ROOT_DESCRIPTIONS[name] ?? part.description, ...(REQUIRED.has(name) ? { required: true } : {}) };
}

function partSpec(part: ActionMetadata, name: string): InputSpec {
  const spec = part.inputs.find((input) => input.name === name);
  if (!spec) throw new Error(`${part.folder} has no input ${name} to route to.`);
  return spec;
}

const HOST_INPUTS = new Set([...sshInputSpecs, ...lockInputSpecs].map((spec) => spec.name));
const isHostInput = (name: string): boolean => HOST_INPUTS.has(name);

export const botDeployAction: ActionMetadata = {
  folder: '.',
  name: 'bot-deploy',
  description:
    'Take a Telegram bot\'s release to production in one step: back its database up to Spaces, stage the release, switch to it with zero downtime (blue-green behind nginx, or a polling handover that never runs two pollers), soak it, roll back on any failure, and tell Slack and the admin chat - over one SSH connection and one deploy lock per host.',
  author: 'bot-deploy',
  branding: { icon: 'send', color: 'blue' },
  inputs: rootInputs(),
  outputs: [
    { name: 'status', description: 'success, failure or rolled-back (the new release failed and the previous one serves again).' },
    { name: 'release', description: 'The release serving after the run (on the first host).' },
    { name: 'previous-release', description: 'The release that served before the run (on the first host).' },
    { name: 'active-color', description: 'The color serving after the run.' },
    { name: 'backup-key', description: 'The backup taken before the deploy, if any.' },
    { name: 'duration-ms', description: 'Wall time of the whole step in milliseconds.' },
    { name: 'slack-ts', description: 'The Slack message\'s ts (with `slack-bot-token`), for a later slack-notify step\'s `ts`.' },
    { name: 'slack-channel', description: 'The Slack channel\'s ID the message is in, for a later slack-notify step\'s `channel` (chat.update needs the ID).' },
    { name: 'telegram-message-id', description: 'The admin chat message\'s id.' },
  ],
  // The post step releases the locks and undoes what a cancelled or killed run left on the hosts.
  runs: { using: 'node24', main: 'dist/bot-deploy/index.js', post: 'dist/bot-deploy/index.js', postIf: 'always()' },
};
