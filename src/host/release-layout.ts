/** Where things live on a host, per product.md's release model. */
export interface ReleaseLayout {
  appDir: string;
  releasesDir: string;
  current: string;
  deployLog: string;
  state: string;
  lock: string;
  /** A run's private Docker client config while it is logged in to the registry (one per run, so a post step never removes another run's). */
  dockerConfig(token: string): string;
  releaseDir(version: string): string;
  /**
   * Where a run builds a release before it is ready: a dot folder, so it never counts as a release,
   * moved over `releaseDir` only once pull and pre-deploy have passed.
   */
  stagingDir(token: string): string;
}

export function releaseLayout(appDir: string): ReleaseLayout {
  return {
    appDir,
    releasesDir: `${appDir}/releases`,
    current: `${appDir}/current`,
    deployLog: `${appDir}/deploys.log`,
    state: `${appDir}/state.json`,
    lock: `${appDir}/.lock`,
    dockerConfig: (token) => `${appDir}/.docker-auth-${token}`,
    releaseDir: (version) => `${appDir}/releases/${version}`,
    stagingDir: (token) => `${appDir}/releases/.staging-${token}`,
  };
}
