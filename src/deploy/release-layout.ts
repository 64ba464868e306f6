/** Where things live on a host, per product.md's release model. */
export interface ReleaseLayout {
  appDir: string;
  releasesDir: string;
  current: string;
  deployLog: string;
  state: string;
  lock: string;
  /** A deploy's private Docker client config while it is logged in to the registry. */
  dockerConfig: string;
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
    dockerConfig: `${appDir}/.docker-auth`,
    releaseDir: (version) => `${appDir}/releases/${version}`,
  };
}
