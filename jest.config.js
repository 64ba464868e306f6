/** ESM all the way: the @actions packages are ESM-only in their current majors. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // Starts the droplet lab (lab/up.sh) once per run; quick when it already runs.
  globalSetup: '<rootDir>/test/lab/global-setup.ts',
  testTimeout: 120000,
};
