/** Jest runs TypeScript through SWC (decorator metadata on), and also transforms the ESM-only
 *  dependencies (execa 9 and its helpers) to CommonJS, because Jest cannot load ESM from CJS. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const esmOnly = [
  'execa', '@sindresorhus', 'figures', 'get-stream', 'human-signals', 'is-plain-obj', 'is-stream',
  'npm-run-path', 'path-key', 'pretty-ms', 'parse-ms', 'strip-final-newline', 'unicorn-magic',
  'yoctocolors', '@sec-ant', 'is-unicode-supported', 'file-type', 'strtok3', 'token-types', '@tokenizer', 'uint8array-extras',
];
const common = {
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testEnvironment: 'node',
  // unicorn-magic exports only an "import" condition, which Jest's CommonJS resolver never matches.
  moduleNameMapper: { '^unicorn-magic$': '<rootDir>/node_modules/unicorn-magic/node.js' },
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', rootDir: '.', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
