import type { HostApp } from '../pipeline/host-app.js';

export interface PrunePlan {
  releases: string[];
  /** Image references of the pruned releases that no kept release uses. */
  images: string[];
}

/**
 * Which release folders and images to remove: all but `keep`, never the ones in `protect` (the
 * active and previous releases, the one just staged). Releases that went live (`history`, newest
 * last) are kept before ones that never ran, newest first, so failed uploads cannot push rollback
 * targets out.
 */
export function planPrune(app: HostApp, keep: number, protect: Array<string | undefined>, history: string[]): PrunePlan {
  const rank = (version: string): number => history.lastIndexOf(version);
  const newestFirst = [...app.releases].sort(
    (a, b) => rank(b.version) - rank(a.version) || (b.record?.time ?? '').localeCompare(a.record?.time ?? ''),
  );
  const kept = new Set([...newestFirst.slice(0, keep).map((r) => r.version), ...protect.filter((v): v is string => !!v)]);
  const pruned = newestFirst.filter((release) => !kept.has(release.version));
  const keptImages = new Set(newestFirst.filter((r) => kept.has(r.version)).map((r) => imageOf(r)));
  const images = [...new Set(pruned.map(imageOf).filter((image): image is string => !!image && !keptImages.has(image)))];
  return { releases: pruned.map((release) => release.version), images };
}

function imageOf(release: HostApp['releases'][number]): string | undefined {
  const { image, version } = release.record ?? {};
  return image && version ? `${image}:${version}` : undefined;
}
