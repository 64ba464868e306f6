/** Where things live on a host, per product.md's release model. */
export interface ReleaseLayout {
  appDir: string;
  releasesDir: string;
  current: string;
  deployLog: string;
  state: string;
  lock: string;
  releaseDir(version: string): string;
}

export function releaseLayout(appDir: string): ReleaseLayout {
  return {
    appDir,
    releasesDir: `${appDir}/releases`,
    current: `${appDir}/current`,
    deployLog: `${appDir}/deploys.log`,
    state: `${appDir}/state.json`,
    lock: `${appDir}/.lock`,
    releaseDir: (version) => `${appDir}/releases/${version}`,
  };
}
