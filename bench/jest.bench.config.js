// Benchmarks run through Jest only for its TypeScript transform (the same SWC setup as the tests); each file
// prints its figures. `npm run bench` runs them all, `npm run bench -- bench/<name>.bench.ts` one.
const base = require('../jest.config.js');
const { displayName, testMatch, rootDir, ...common } = base.projects[0];
void displayName;
void testMatch;
void rootDir;

module.exports = { ...common, rootDir: '..', testMatch: ['<rootDir>/bench/**/*.bench.ts'], testTimeout: 3_600_000, maxWorkers: 1 };
