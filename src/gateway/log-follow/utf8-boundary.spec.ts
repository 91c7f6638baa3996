import { completeUtf8Length } from './utf8-boundary';

describe('completeUtf8Length', () => {
  it('should keep ASCII and whole characters', () => {
    expect(completeUtf8Length(Buffer.from('abc'))).toBe(3);
    expect(completeUtf8Length(Buffer.from('aé€😀'))).toBe(Buffer.byteLength('aé€😀'));
  });

  it('should cut before a character split at the end', () => {
    for (const char of ['é', '€', '😀']) {
      const whole = Buffer.from(`ab${char}`);
      for (let cut = 3; cut < whole.length; cut++) {
        expect(completeUtf8Length(whole.subarray(0, cut))).toBe(2);
      }
    }
  });

  it('should return a lone broken sequence whole rather than an empty chunk', () => {
    expect(completeUtf8Length(Buffer.from([0xe2, 0x82]))).toBe(2);
  });
});
