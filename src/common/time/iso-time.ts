const DAY_MS = 86_400_000;
/** `new Date(ms).toISOString()` has the four-digit-year form only within these bounds (years 0000–9999). */
const FIRST_MS = -62_167_219_200_000;
const LAST_MS = 253_402_300_799_999;

let cachedDay = Number.NaN;
let cachedDayPrefix = '';

const pad2 = (value: number): string => (value < 10 ? `0${value}` : `${value}`);
const pad3 = (value: number): string => (value < 10 ? `00${value}` : value < 100 ? `0${value}` : `${value}`);

/**
 * `new Date(ms).toISOString()`, the same string, at a fraction of its cost when many times of one day are written
 * (a page of 500 jobs writes 1,000 or more): the date part is formatted once per day, the time of day by arithmetic.
 */
export function isoTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < FIRST_MS || ms > LAST_MS) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  let rest = ms - day * DAY_MS;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  return `${cachedDayPrefix}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(millis)}Z`;
}
