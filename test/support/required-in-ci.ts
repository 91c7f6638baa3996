/**
 * `describe` when `available`, else `describe.skip` with a message — except under CI, where .ci/run provisions the
 * dependency and its absence is an error, never a silent skip.
 */
export function describeWhen(available: boolean, what: string, fix: string): jest.Describe {
  if (!available && process.env.CI) {
    throw new Error(`${what} is not available: ${fix}`);
  }
  if (!available) {
    console.warn(`Skipping tests that need ${what} (${fix})`);
  }
  return available ? describe : describe.skip;
}
