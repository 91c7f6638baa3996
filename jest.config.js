/** Jest runs TypeScript through SWC (decorator metadata on), and also transforms the ESM-only dependencies
 *  (NestJS 12, execa 9 and their helpers) to CommonJS, because Jest on Node < 24.9 cannot require ES modules. */
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
/** Packages published as ES modules ("type": "module"), nested ones included: NestJS 12, execa 9 and their helpers. */
function esmPackages() {
  const fs = require('node:fs');
  const path = require('node:path');
  const names = new Set();
  const visit = (modulesDir) => {
    for (const entry of fs.existsSync(modulesDir) ? fs.readdirSync(modulesDir) : []) {
      if (entry.startsWith('.')) continue;
      const scoped = entry.startsWith('@') ? fs.readdirSync(path.join(modulesDir, entry)).map((name) => `${entry}/${name}`) : [entry];
      for (const name of scoped) {
        try {
          if (JSON.parse(fs.readFileSync(path.join(modulesDir, name, 'package.json'), 'utf8')).type === 'module') names.add(name);
        } catch {
          // not a package
        }
        visit(path.join(modulesDir, name, 'node_modules'));
      }
    }
  };
  visit(path.join(__dirname, 'node_modules'));
  return [...names];
}
const esmOnly = esmPackages().map((name) => name.replace(/[.+]/g, '\\$&'));
const common = {
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testEnvironment: 'node',
  setupFiles: ['reflect-metadata'],
  // unicorn-magic exports only an "import" condition, which Jest's CommonJS resolver never matches.
  // The @hey-api/openapi-ts client (test/sdk/generated/hey-api) imports its TypeScript files as `./x.gen.js`, ESM style.
  moduleNameMapper: {
    '^unicorn-magic$': '<rootDir>/node_modules/unicorn-magic/node.js',
    '^(\\.{1,2}/.*\\.gen)\\.js$': '$1',
    '^(\\./client/index)\\.js$': '$1',
  },
};
module.exports = {
  // e2e tests start real processes and wait for solves; unit tests finish far below this.
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', rootDir: '.', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
