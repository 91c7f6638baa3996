import { bearerTokenOf, tokenMatches } from './bearer-token';

describe('bearer token helpers', () => {
  it.each([
    ['Bearer abc.def', 'abc.def'],
    ['bearer   xyz  ', 'xyz'],
    ['Basic dXNlcjpwYXNz', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
  ])('should read %j as %j', (header, token) => {
    expect(bearerTokenOf(header)).toBe(token);
  });

  it('should match only the exact token', () => {
    const token = 'k9-VeryLongSecret-123';
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(`${token} `, token)).toBe(false);
    expect(tokenMatches(token.slice(0, -1), token)).toBe(false);
    expect(tokenMatches('', token)).toBe(false);
    expect(tokenMatches(undefined, token)).toBe(false);
  });
});
