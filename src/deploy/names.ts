import { InputError } from '../inputs/input-error.js';

const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
// Compose project names allow lowercase letters, digits, dashes and underscores only.
const APP = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const APP_DIR = /^\/[A-Za-z0-9._\/-]*$/;

/** A tag or SHA, checked before anything connects: it becomes a folder name and an image tag. */
export function validateVersion(version: string, inputName = 'version'): string {
  if (!VERSION.test(version) || version === '.' || version === '..') {
    throw new InputError(
      `Input \`${inputName}\` "${version}" is not a valid release name: use a tag or SHA of letters, digits, dots, dashes and underscores (at most 128, not starting with a dot or dash).`,
    );
  }
  return version;
}

export function validateApp(app: string): string {
  if (!APP.test(app)) {
    throw new InputError(
      `Input \`app\` "${app}" is not a valid app name: use lowercase letters, digits, dashes and underscores (it names the compose project and the default folder /opt/<app>).`,
    );
  }
  return app;
}

export function validateAppDir(dir: string): string {
  const trimmed = dir.replace(/\/+$/, '');
  if (!APP_DIR.test(trimmed) || trimmed === '' || trimmed.split('/').some((part) => part === '..' || part === '.')) {
    throw new InputError(
      `Input \`app-dir\` "${dir}" must be an absolute path of letters, digits, dots, dashes and underscores, without "." or ".." parts.`,
    );
  }
  return trimmed;
}

/** An image repository without a tag: the release's tag is always `version`. */
export function validateImage(image: string): string {
  if (image === '') return image;
  if (!/^[a-z0-9][a-z0-9._\/:-]*$/.test(image) || /:[^/]*$/.test(image)) {
    throw new InputError(
      `Input \`image\` "${image}" must be an image repository without a tag, such as ghcr.io/acme/bot: the tag is always \`version\`.`,
    );
  }
  return image;
}
