/**
 * A full disk, as the host's tools report it: strerror(ENOSPC), written "No space left on device"
 * by coreutils and the shell and "no space left on device" by docker and other Go programs.
 */
const NO_SPACE = /no space left on device/i;
/** The absolute path a tool names before the reason: `tee: /a/b: …`, `cp: error writing '/a/b': …`, `write /a/b: …`. */
const NAMED_PATH = /(?:^|[\s'‘])(\/[^\s'’:]+)['’]?: no space left on device/i;

/** Whether `output` reports a full disk, and the file it names if it does. */
export function noSpaceIn(output: string): { path?: string } | undefined {
  const line = output.split('\n').find((candidate) => NO_SPACE.test(candidate));
  if (line === undefined) return undefined;
  const path = NAMED_PATH.exec(line)?.[1];
  return path === undefined ? {} : { path };
}

/** The one sentence for anything that failed because the host's disk is full. */
export function noSpaceSentence(what: string, host: string, path?: string): string {
  return `${what} failed on ${host}: no space left on ${host}${path === undefined ? '' : ` (${path})`} — free some disk space.`;
}
