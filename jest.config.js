/**
 * Two projects: `unit` needs neither root nor Docker and runs in seconds (`npm run test:unit`);
 * `lab` brings the droplet lab up once (lab/up.sh) and talks to real sshd, Docker, nginx and the
 * registry. ESM all the way: the @actions packages are ESM-only in their current majors.
 */
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testTimeout: 120000,
};

export default {
  // The runner reads the timeout from the global config, the projects from their own.
  testTimeout: shared.testTimeout,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['\\.lab\\.test\\.ts$'] },
    {
      ...shared,
      displayName: 'lab',
      testMatch: ['<rootDir>/test/**/*.lab.test.ts'],
      // Starts the droplet lab once per run; quick when it already runs.
      globalSetup: '<rootDir>/test/lab/global-setup.ts',
    },
  ],
};
