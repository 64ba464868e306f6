import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from './input-error.js';

/**
 * The checked-out repository's files, named by paths inside it. An input naming a file elsewhere
 * (an absolute path, `../`, or a symbolic link leading out) is refused: a workflow input must not
 * turn the runner's other files, such as its credentials, into something the action uploads.
 */
export class WorkspaceFiles {
  constructor(readonly root: string) {}

  /** Whether `path` is a file inside the workspace (for picking a default among several names). */
  has(path: string): boolean {
    const full = resolve(this.root, path);
    return within(this.root, full) && existsSync(full) && statSync(full).isFile() && within(realpathSync(this.root), realpathSync(full));
  }

  /** The text of `path`, given by input `input`; one sentence naming the input when it cannot be read. */
  read(path: string, input: string): string {
    const full = resolve(this.root, path);
    if (!within(this.root, full)) {
      throw new InputError(`Input \`${input}\` names ${path}, which is outside the repository: give a path inside ${this.root}.`);
    }
    let real: string;
    try {
      real = realpathSync(full);
    } catch {
      throw new InputError(`Input \`${input}\` names ${path}, which was not found in ${this.root}: give its path in the repository.`);
    }
    if (!within(realpathSync(this.root), real)) {
      throw new InputError(`Input \`${input}\` names ${path}, a symbolic link to ${real} outside the repository: give a file inside ${this.root}.`);
    }
    try {
      return readFileSync(real, 'utf8');
    } catch {
      throw new InputError(`Input \`${input}\` names ${path}, which is not a readable file in ${this.root}.`);
    }
  }
}

/** Whether `path` lies below `root` (the root itself is a folder, never a file to read). */
function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
