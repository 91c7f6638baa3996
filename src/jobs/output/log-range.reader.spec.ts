import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRangeHeader, tailOffset } from './log-range.reader';

describe('log ranges', () => {
  const dir = mkdtempSync(join(tmpdir(), 'log-range-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): [string, number] => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return [path, Buffer.byteLength(text)];
  };

  it('should find where the last n lines start, with or without a final newline', async () => {
    const [withNewline, size] = write('a.log', 'one\ntwo\nthree\n');
    expect(await tailOffset(withNewline, size, 1)).toBe(8);
    expect(await tailOffset(withNewline, size, 2)).toBe(4);
    expect(await tailOffset(withNewline, size, 3)).toBe(0);
    expect(await tailOffset(withNewline, size, 10)).toBe(0);
    const [without, size2] = write('b.log', 'one\ntwo\nthree');
    expect(await tailOffset(without, size2, 1)).toBe(8);
    expect(await tailOffset(without, size2, 2)).toBe(4);
  });

  it('should find the tail of a log far larger than one read chunk', async () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 40)}`);
    const text = `${lines.join('\n')}\n`;
    const [path, size] = write('big.log', text);
    const offset = await tailOffset(path, size, 1234);
    expect(text.slice(offset)).toBe(`${lines.slice(-1234).join('\n')}\n`);
  });

  it('should parse single byte ranges as RFC 9110 defines them', () => {
    expect(parseRangeHeader('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRangeHeader('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRangeHeader('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRangeHeader('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
    expect(parseRangeHeader('bytes=990-5000', 1000)).toEqual({ start: 990, end: 999 });
    expect(parseRangeHeader('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRangeHeader('bytes=-0', 1000)).toBe('unsatisfiable');
    expect(parseRangeHeader('bytes=5-1', 1000)).toBeUndefined();
    expect(parseRangeHeader('items=0-1', 1000)).toBeUndefined();
    expect(parseRangeHeader('bytes=0-1,5-6', 1000)).toBeUndefined();
  });
});
