import type { ReleaseRecord } from '../pipeline/host-app.js';

/**
 * What still needs an image on a host, as `listImageHolders` reports it, every reference in
 * docker's canonical form (see canonicalImage) so that `bot:v1` and `docker.io/library/bot:v1` agree.
 *
 * Why this is enough: a container needs the tag it was created from (compose recreates it from
 * that tag), and a release folder, of this app or another, needs `<image>:<version>` to be started
 * again. Other apps are found where the suite puts them: next to this app's folder (the default
 * /opt/<app> puts them all there) and through the working_dir label of every container compose
 * started (wherever the app lives). An app found neither way (another parent folder and no
 * container left), or whose folder this user cannot read, is not seen: its rollback then pulls the
 * image again, logged in (steps/pull-missing-image.ts), so pruning costs it a download, never a
 * failed rollback. Tags are matched, not image IDs: removing a tag whose image a container runs
 * under another tag frees nothing yet lets the image go with its last tag, while keeping it would
 * leave it on the host for good (its release folder, the only thing that named it, is gone).
 */
export interface ImageHolders {
  /** The image each container (running or stopped, of any app or of none) was created from. */
  containers: Set<string>;
  /** `<image>:<version>` of every release folder found (this app's and other apps'). */
  releases: Set<string>;
}

export function parseImageHolders(stdout: string): ImageHolders {
  const holders: ImageHolders = { containers: new Set(), releases: new Set() };
  for (const line of stdout.split('\n')) {
    const [kind, ...rest] = line.split(' ');
    const value = rest.join(' ').trim();
    if (kind === 'container' && value) holders.containers.add(canonicalImage(value));
    if (kind === 'release') {
      const reference = releaseImage(value);
      if (reference) holders.releases.add(canonicalImage(reference));
    }
  }
  return holders;
}

/** Those of `candidates` that nothing on the host holds. */
export function unheldImages(candidates: string[], holders: ImageHolders): string[] {
  return candidates.filter((reference) => {
    const canonical = canonicalImage(reference);
    return !holders.containers.has(canonical) && !holders.releases.has(canonical);
  });
}

/**
 * Docker's full form of an image reference: the registry (docker.io when the first part names no
 * host), `library/` for docker.io's official images, and `:latest` when neither tag nor digest is given.
 */
export function canonicalImage(reference: string): string {
  const slash = reference.indexOf('/');
  const first = slash < 0 ? '' : reference.slice(0, slash);
  const named = first.includes('.') || first.includes(':') || first === 'localhost';
  const registry = !named || first === 'index.docker.io' ? 'docker.io' : first;
  let path = named ? reference.slice(slash + 1) : reference;
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  const tagged = path.includes('@') || path.slice(path.lastIndexOf('/') + 1).includes(':');
  return `${registry}/${path}${tagged ? '' : ':latest'}`;
}

function releaseImage(json: string): string | undefined {
  try {
    const { image, version } = JSON.parse(json) as Partial<ReleaseRecord>;
    return typeof image === 'string' && image && typeof version === 'string' && version ? `${image}:${version}` : undefined;
  } catch {
    return undefined;
  }
}
