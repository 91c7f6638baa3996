import fc from 'fast-check';
import { isoTime } from './iso-time';

describe(isoTime.name, () => {
  it('writes what toISOString writes for any time (any day, leap years, both ends of the four-digit years)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes what toISOString writes around midnight, days apart and back again (its cache of the day)', () => {
    const midnight = Date.UTC(2026, 11, 3);
    for (const ms of [midnight - 1, midnight, midnight + 1, Date.UTC(2024, 1, 29, 23, 59, 59, 999), midnight - 1, 0, -1, 951_782_400_000]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('falls back to toISOString outside the four-digit years, and throws as it does for no time at all', () => {
    for (const ms of [-62_167_219_200_001, 253_402_300_800_000, 8.64e15]) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
  });
});
