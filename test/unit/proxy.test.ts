// The proxy rules of src/http/proxy.ts: which requests a proxy from the
// environment carries. They are undici 8's EnvHttpProxyAgent's rules, which
// the action used before it bundled the toolkit's undici 6; each case below
// is one of those rules, so that the move changed nothing a user sees.
import { describe, expect, it } from 'vitest';
import { proxyFor, proxyRules } from '../../src/http/proxy.ts';

const P = 'http://proxy.test:3128';
const via = (env: Record<string, string>, url: string) => proxyFor(proxyRules(env), url);

describe('which proxy a request goes through', () => {
  it('none without a proxy variable, whatever NO_PROXY says', () => {
    expect(via({}, 'https://api.hedra.com/')).toBeUndefined();
    expect(via({ NO_PROXY: 'other.test' }, 'http://api.hedra.com/')).toBeUndefined();
  });
  it('HTTP_PROXY carries both schemes; HTTPS_PROXY only https', () => {
    expect(via({ HTTP_PROXY: P }, 'http://a.test/')).toBe(P);
    expect(via({ HTTP_PROXY: P }, 'https://a.test/')).toBe(P);
    expect(via({ HTTPS_PROXY: P }, 'https://a.test/')).toBe(P);
    expect(via({ HTTPS_PROXY: P }, 'http://a.test/')).toBeUndefined();
    expect(via({ HTTP_PROXY: 'http://h:1', HTTPS_PROXY: 'http://s:2' }, 'https://a.test/')).toBe('http://s:2');
  });
  it('reads a lower-case name first, even an empty one', () => {
    expect(via({ http_proxy: 'http://lower:1', HTTP_PROXY: 'http://upper:2' }, 'http://a.test/')).toBe('http://lower:1');
    expect(via({ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' }, 'https://a.test/')).toBe('http://lower:1');
    expect(via({ http_proxy: '', HTTP_PROXY: P }, 'http://a.test/')).toBeUndefined();
    expect(via({ HTTP_PROXY: P, no_proxy: '', NO_PROXY: 'a.test' }, 'http://a.test/')).toBe(P);
    expect(via({ HTTP_PROXY: P, no_proxy: 'a.test', NO_PROXY: '' }, 'http://a.test/')).toBeUndefined();
  });
});

describe('NO_PROXY', () => {
  // [NO_PROXY, URL, whether the request goes directly]
  const cases: [string, string, boolean][] = [
    // a host and its subdomains, with or without a leading dot, in any case
    ['hedra.com', 'https://hedra.com/', true],
    ['hedra.com', 'https://api.HEDRA.com/', true],
    ['.hedra.com', 'https://hedra.com/', true],
    ['.Hedra.Com', 'https://cdn.hedra.com/', true],
    ['hedra.com', 'https://nothedra.com/', false],
    ['api.hedra.com', 'https://hedra.com/', false],
    // `*.name`: the subdomains only, not the name itself
    ['*.hedra.com', 'https://api.hedra.com/', true],
    ['*.hedra.com', 'https://hedra.com/', false],
    // `*` wherever it stands: everything; `*:port`: every host on that port
    ['*', 'https://a.test/', true],
    [' none.invalid , * ', 'https://a.test/', true],
    ['*:8080', 'http://a.test:8080/', true],
    ['*:8080', 'http://a.test/', false],
    // a port when the entry names one, the scheme's default when the URL names none
    ['a.test:8443', 'https://a.test:8443/', true],
    ['a.test:8443', 'https://a.test/', false],
    ['a.test:443', 'https://a.test/', true],
    ['a.test:80', 'http://a.test/', true],
    // entries split by commas and white space; empty ones ignored
    ['x.test,,y.test  a.test', 'https://a.test/', true],
    ['x.test\ta.test', 'https://a.test/', true],
    [',', 'https://a.test/', false],
    // a trailing dot, in the entry or the URL, is the same name
    ['a.test.', 'https://a.test/', true],
    ['a.test', 'https://a.test./', true],
    // IP addresses; IPv6 bare, bracketed, or bracketed with a port
    ['127.0.0.1', 'http://127.0.0.1:9000/', true],
    ['127.0.0.1:9000', 'http://127.0.0.1:9001/', false],
    ['::1', 'http://[::1]:9000/', true],
    ['[::1]', 'http://[::1]/', true],
    ['[::1]:9000', 'http://[::1]:9000/', true],
    ['[::1]:9000', 'http://[::1]:9001/', false],
    // loopback is not exempt of itself (unlike in the toolkit's HTTP client): the test proxy relies on it
    ['', 'http://127.0.0.1:9000/', false],
    ['', 'http://localhost:9000/', false],
  ];
  it.each(cases)('NO_PROXY=%j, %s: direct %s', (noProxy, url, direct) => {
    expect(via({ HTTPS_PROXY: P, HTTP_PROXY: P, NO_PROXY: noProxy }, url) === undefined).toBe(direct);
  });
});
