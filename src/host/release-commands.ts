import type { ReleaseLayout } from './release-layout.js';
import { command, script } from './shell.js';

/** Creates a folder below the app folder (and the app folder); says clearly when the user may not. */
export const makeAppFolder = (layout: ReleaseLayout, path: string): string =>
  script(
    'mkdir -p -- "$1" 2>/dev/null || { echo "cannot create $1 as $(id -un): prepare $2 once as root with: install -d -o $(id -un) $2" >&2; exit 1; }',
    path,
    layout.appDir,
  );

/**
 * Everything a deploy needs to know about a host's app folder in one round trip: state.json, the
 * release `current` points to, and each release folder with its release.json.
 */
export const inspectApp = (layout: ReleaseLayout): string =>
  script(
    [
      'cd "$1" 2>/dev/null || exit 0',
      "printf '%s\\n' '#state'; cat state.json 2>/dev/null; echo",
      "printf '%s\\n' '#current'; readlink current 2>/dev/null; echo",
      "printf '%s\\n' '#releases'",
      'for d in releases/*/; do [ -d "$d" ] || continue; n=${d#releases/}; n=${n%/}; ' +
        "printf 'release %s ' \"$n\"; if [ -f \"$d/release.json\" ]; then tr -d '\\n' < \"$d/release.json\"; else printf '{}'; fi; echo; done",
    ].join('\n'),
    layout.appDir,
  );

/** Points `current` at a release atomically (a rename), relative so the app folder can move. */
export const activateRelease = (layout: ReleaseLayout, version: string): string =>
  script('ln -sfn "releases/$2" "$1/.current.tmp" && mv -Tf "$1/.current.tmp" "$1/current"', layout.appDir, version);

/** Appends the JSON line arriving on stdin to deploys.log. */
export const appendDeployLog = (layout: ReleaseLayout): string => script('cat >> "$1"', layout.deployLog);

/** Removes folders (release folders, a staging folder) and everything in them. */
export const removePaths = (paths: string[]): string => command('rm', '-rf', '--', ...paths);

/** Removes what runs that died left in the releases folder (their staging folders); run under the lock. */
export const tidyReleasesDir = (layout: ReleaseLayout): string =>
  script('rm -rf -- "$1"/.staging-* "$1"/.replaced-*', layout.releasesDir);

/**
 * Moves a staged release into place. An existing folder of the same version (perhaps the rollback
 * target) is replaced only now, by renames, so a deploy that failed earlier never touched it.
 */
export const publishRelease = (layout: ReleaseLayout, staging: string, version: string): string =>
  script(
    'old="$1/.replaced-$3"; rm -rf -- "$old"; if [ -e "$1/$3" ]; then mv -T -- "$1/$3" "$old" || exit 1; fi; ' +
      'mv -T -- "$2" "$1/$3" || { [ ! -e "$old" ] || mv -T -- "$old" "$1/$3"; exit 1; }; rm -rf -- "$old"',
    layout.releasesDir,
    staging,
    version,
  );
