// One Jest, two projects: unit specs beside the code, end-to-end suites in test/.
const swc = ['@swc/jest', {
  sourceMaps: 'inline',
  module: { type: 'commonjs' },
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
}];
const moduleNameMapper = {
  '^@cleave/(contracts|platform|domains)/(.*)$': '<rootDir>/libs/$1/$2',
  '^@cleave/(gateway|host)$': '<rootDir>/libs/$1',
  '^@cleave/(gateway|host)/(.*)$': '<rootDir>/libs/$1/$2',
};
const common = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node', rootDir: __dirname };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/deploy/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], globalSetup: '<rootDir>/test/support/global-setup.ts', globalTeardown: '<rootDir>/test/support/global-teardown.ts', setupFilesAfterEnv: ['<rootDir>/test/support/timeouts.ts'] },
  ],
};
