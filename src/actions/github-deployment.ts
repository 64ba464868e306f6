import type { ActionMetadata } from './action-metadata.js';

export const githubDeploymentAction: ActionMetadata = {
  folder: 'github-deployment',
  name: 'bot-deploy github-deployment',
  description:
    'Show a deploy in GitHub\'s Environments view: `start` creates a deployment of the run\'s commit (marked in progress, with the run\'s log and the environment\'s URL), `finish` marks it success, failure or inactive and, on success, marks the deployment it replaced inactive. Rollbacks are deployments too. The job needs `permissions: deployments: write`. An API failure is a warning, never a failed deploy, unless fail-on-error.',
  author: 'bot-deploy',
  branding: { icon: 'git-commit', color: 'green' },
  inputs: [
    {
      name: 'token',
      secret: true,
      default: '${{ github.token }}',
      section: 'GitHub',
      description:
        'A token that may write deployments of this repository: by default the job\'s GITHUB_TOKEN, which needs `permissions: { deployments: write }` in the job (a personal token needs the `repo_deployment` scope).',
    },
    {
      name: 'api-url',
      description: 'The GitHub REST API root; by default the runner\'s (GITHUB_API_URL, https://api.github.com or your GitHub Enterprise Server\'s).',
    },
    { name: 'step', required: true, section: 'what happened', description: '`start` before the deploy (creates the deployment), `finish` after it (sets its outcome).' },
    { name: 'environment', description: 'With `start` (required): the environment deployed to, e.g. production or staging; `production` is marked as the environment users interact with.' },
    { name: 'environment-url', description: 'The URL the environment serves (e.g. the bot\'s https://t.me/<bot> link or its webhook host), shown as the deployment\'s link. With `finish`, by default the one `start` gave.' },
    { name: 'ref', description: 'With `start`: the branch, tag or commit deployed; by default the run\'s commit (GITHUB_SHA). For a rollback to a tag, pass the tag.' },
    { name: 'version', description: 'The release deployed (a tag or SHA), kept in the deployment\'s payload and description. With `finish`, by default the one `start` recorded (give it when only the deploy found out, as for a rollback to the previous release).' },
    { name: 'rollback', default: 'false', description: 'With `start`: true on a manual rollback run; the deployment says it rolls back to `version` (or to the previous release).' },
    { name: 'deployment-id', description: 'With `finish` (required): the start step\'s `deployment-id` output. Empty (start could not create one) finishes nothing, with a warning.' },
    {
      name: 'status',
      description:
        'With `finish` (required): success, failure, cancelled or rolled-back. success marks the deployments of the environment it replaced inactive; failure and rolled-back (the release failed and the previous one serves again) are failures on GitHub; cancelled makes the deployment inactive.',
    },
    { name: 'fail-on-error', default: 'false', description: 'Fail the step when GitHub\'s API cannot be reached or refuses. By default that is a warning and never fails a deploy.' },
  ],
  outputs: [
    { name: 'deployment-id', description: 'The deployment\'s id (pass it to the finish step\'s `deployment-id`); empty when start could not create one.' },
    { name: 'state', description: 'The state GitHub now shows for the deployment (in_progress, success, failure, inactive); empty when nothing was recorded.' },
  ],
  runs: { using: 'node24', main: '../dist/github-deployment/index.js' },
};
