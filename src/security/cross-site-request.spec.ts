import { crossSiteRefusal, isSameOrigin, OriginAllowList } from './cross-site-request';
import { nonJsonBodyRefusal } from './json-content-type';

describe('cross-site request rules', () => {
  const none = new OriginAllowList([]);

  it('should treat only the requested host:port as the same origin', () => {
    expect(isSameOrigin('http://127.0.0.1:8080', '127.0.0.1:8080')).toBe(true);
    expect(isSameOrigin('http://localhost', 'localhost:80')).toBe(true);
    expect(isSameOrigin('https://jm.example', 'jm.example')).toBe(true);
    expect(isSameOrigin('http://127.0.0.1:8081', '127.0.0.1:8080')).toBe(false);
    expect(isSameOrigin('null', '127.0.0.1:8080')).toBe(false);
    expect(isSameOrigin('file://', 'localhost')).toBe(false);
    expect(isSameOrigin('http://127.0.0.1:8080', undefined)).toBe(false);
  });

  it.each([
    ['POST', {}, undefined],
    ['POST', { origin: 'http://127.0.0.1:8080', host: '127.0.0.1:8080', 'sec-fetch-site': 'same-origin' }, undefined],
    ['GET', { 'sec-fetch-site': 'none' }, undefined],
    ['GET', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }, undefined],
    ['POST', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }, /Sec-Fetch-Site: cross-site/],
    ['GET', { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors' }, /same-site/],
    ['POST', { origin: 'http://evil.example', host: '127.0.0.1:8080' }, /evil\.example/],
    ['GET', { origin: 'null', host: '127.0.0.1:8080' }, /"null"/],
  ])('should judge %s %j', (method, headers, refusal) => {
    const verdict = crossSiteRefusal(method, headers, none);
    if (refusal === undefined) expect(verdict).toBeUndefined();
    else expect(verdict).toMatch(refusal);
  });

  it('should let allow-listed origins through, whatever Sec-Fetch-Site says', () => {
    const portal = new OriginAllowList(['https://portal.example']);
    expect(crossSiteRefusal('POST', { origin: 'HTTPS://PORTAL.EXAMPLE', 'sec-fetch-site': 'cross-site' }, portal)).toBeUndefined();
    expect(crossSiteRefusal('POST', { origin: 'https://portal.example:444', 'sec-fetch-site': 'cross-site' }, portal)).toMatch(/HFSS_JM_ALLOWED_ORIGINS/);
  });

  it.each([
    ['POST', {}, false],
    ['POST', { 'content-length': '0' }, false],
    ['POST', { 'content-type': 'application/json', 'content-length': '2' }, false],
    ['PUT', { 'content-type': 'Application/JSON; charset=utf-8', 'content-length': '2' }, false],
    ['GET', { 'content-type': 'text/plain', 'content-length': '2' }, false],
    ['POST', { 'content-type': 'text/plain', 'content-length': '2' }, true],
    ['POST', { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '0' }, true],
    ['DELETE', { 'content-type': 'multipart/form-data; boundary=x' }, true],
    ['PATCH', { 'content-length': '5' }, true],
    ['POST', { 'transfer-encoding': 'chunked' }, true],
    ['POST', { 'content-type': 'application/json-patch+json', 'content-length': '2' }, true],
  ])('should require JSON bodies: %s %j refused=%s', (method, headers, refused) => {
    expect(nonJsonBodyRefusal(method, '/jobs/submit', headers) !== undefined).toBe(refused);
  });

  it('should take multipart/form-data on the project upload only', () => {
    const multipart = { 'content-type': 'multipart/form-data; boundary=x', 'content-length': '10' };
    expect(nonJsonBodyRefusal('POST', '/projects', multipart)).toBeUndefined();
    expect(nonJsonBodyRefusal('POST', '/projects/', multipart)).toBeUndefined();
    expect(nonJsonBodyRefusal('POST', '/projects', { 'content-type': 'text/plain', 'content-length': '1' })).toMatch(/not accepted/);
    expect(nonJsonBodyRefusal('PUT', '/projects', multipart)).toMatch(/not accepted/);
    expect(nonJsonBodyRefusal('POST', '/projects/abc', multipart)).toMatch(/not accepted/);
    expect(nonJsonBodyRefusal('POST', '/jobs/submit', multipart)).toMatch(/not accepted/);
  });
});
