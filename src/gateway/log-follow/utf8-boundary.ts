/**
 * How many leading bytes of `chunk` end on a whole UTF-8 character, so a chunk cut at a byte limit never splits
 * one (the next chunk starts at the cut). A chunk that is nothing but a broken sequence is returned whole.
 */
export function completeUtf8Length(chunk: Buffer): number {
  const length = chunk.length;
  // A character is at most 4 bytes: look back at most 3 for the lead byte of the last one.
  for (let back = 1; back <= Math.min(3, length); back++) {
    const byte = chunk[length - back];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back && length - back > 0 ? length - back : length;
  }
  return length;
}
