// The rules for URLs that Hedra's answers name (src/http/url.ts), and the
// address check made when connecting (src/http/presigned.ts).
import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { withoutQuery } from '../../src/core/urls.ts';
import { guardedLookup, RefusedAddress, refusedAddress } from '../../src/http/presigned.ts';
import { type AddressKind, addressKind, addressProblem, allowedKinds, hostKind, presignedUrlProblem } from '../../src/http/url.ts';

describe('withoutQuery, for URLs of other schemes', () => {
  it('shows a file: URL whole but for its query, and another scheme as the scheme alone', () => {
    expect(withoutQuery('file:///etc/passwd?x=1')).toBe('file:///etc/passwd');
    expect(withoutQuery('file://server/share/a.mp4')).toBe('file://server/share/a.mp4');
    expect(withoutQuery('data:text/plain;base64,c2VjcmV0')).toBe('data:…');
    expect(withoutQuery('blob:https://cdn.test/1234')).toBe('blob:…');
    expect(withoutQuery('ftp://cdn.test/a.mp4?sig=1')).toBe('ftp:…');
  });
  it('keeps http: and https: as they were', () => {
    expect(withoutQuery('http://127.0.0.1:8080/media/a.mp4?sig=1')).toBe('http://127.0.0.1:8080/media/a.mp4');
    expect(withoutQuery('HTTPS://CDN.test/A.mp4?sig=1')).toBe('https://cdn.test/A.mp4');
  });
});

describe('addressKind', () => {
  it.each<[string, AddressKind]>([
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', 'unspecified'],
    ['1.0.0.0', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['126.255.255.255', 'public'],
    ['128.0.0.1', 'public'],
    ['10.0.0.0', 'private'],
    ['10.255.255.255', 'private'],
    ['9.255.255.255', 'public'],
    ['11.0.0.0', 'public'],
    ['172.16.0.0', 'private'],
    ['172.31.255.255', 'private'],
    ['172.15.255.255', 'public'],
    ['172.32.0.0', 'public'],
    ['171.16.0.1', 'public'],
    ['192.168.0.1', 'private'],
    ['192.167.0.1', 'public'],
    ['192.169.0.1', 'public'],
    ['191.168.0.1', 'public'],
    ['100.64.0.0', 'private'],
    ['100.127.255.255', 'private'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['101.64.0.1', 'public'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.0', 'link-local'],
    ['169.253.255.255', 'public'],
    ['169.255.0.0', 'public'],
    ['168.254.0.1', 'public'],
    ['8.8.8.8', 'public'],
  ])('IPv4 %s is %s', (address, kind) => {
    expect(addressKind(address)).toBe(kind);
  });

  it.each<[string, AddressKind]>([
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::2', 'unspecified'], // ::0.0.0.2, an IPv4-compatible address in 0.0.0.0/8
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['1::1', 'public'],
    ['::808:808', 'public'], // ::8.8.8.8, IPv4-compatible
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fe7f::1', 'public'],
    ['fec0::1', 'private'],
    ['feff::1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fbff::1', 'public'],
    ['fe00::1', 'public'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['::fffe:a9fe:a9fe', 'public'],
    ['::10.1.2.3', 'private'],
    ['0:0:0:0:1:0:a9fe:a9fe', 'public'],
    ['1:0:0:0:0:0:a9fe:a9fe', 'public'],
    ['64:ff9b::169.254.169.254', 'link-local'],
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b::808:808', 'public'],
    ['64:ff9b:1::a00:1', 'public'],
    ['64:ff9b:0:0:0:1:a00:1', 'public'],
    ['65:ff9b::a00:1', 'public'],
    ['64:ff9a::a00:1', 'public'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:808:808::', 'public'],
    ['2003:a9fe:a9fe::1', 'public'],
    ['2001:db8::1', 'public'],
    ['2606:4700::1111', 'public'],
  ])('IPv6 %s is %s', (address, kind) => {
    expect(addressKind(address)).toBe(kind);
  });

  it('is undefined for what is not an IP address', () => {
    for (const text of ['localhost', 'cdn.test', '', '1.2.3', '256.1.1.1', '[1.2.3.4]', '::g', '[::1']) expect(addressKind(text)).toBeUndefined();
  });
});

describe('hostKind', () => {
  it('knows localhost, in any case, and addresses; other names are for DNS', () => {
    expect(hostKind('localhost')).toBe('loopback');
    expect(hostKind('LocalHost')).toBe('loopback');
    expect(hostKind('[::1]')).toBe('loopback');
    expect(hostKind('10.0.0.1')).toBe('private');
    expect(hostKind('localhost.test')).toBeUndefined();
    expect(hostKind('cdn.test')).toBeUndefined();
  });
});

describe('allowedKinds', () => {
  it("is base-url's own kind of address, when it is not public", () => {
    expect(allowedKinds('http://127.0.0.1:8080/web-app/public')).toEqual(['loopback']);
    expect(allowedKinds('http://localhost:8080')).toEqual(['loopback']);
    expect(allowedKinds('https://[::1]/api')).toEqual(['loopback']);
    expect(allowedKinds('https://10.2.3.4/api')).toEqual(['private']);
    expect(allowedKinds('https://169.254.1.1')).toEqual(['link-local']);
  });
  it('is nothing for a public address or a name', () => {
    expect(allowedKinds('https://api.hedra.com/web-app/public')).toEqual([]);
    expect(allowedKinds('https://8.8.8.8')).toEqual([]);
  });
});

describe('presignedUrlProblem', () => {
  const none: AddressKind[] = [];
  it('lets https: URLs to names and public addresses through', () => {
    expect(presignedUrlProblem('https://cdn.hedra.test/a.mp4?X-Amz-Signature=1', none)).toBeUndefined();
    expect(presignedUrlProblem('https://8.8.8.8/a.mp4', none)).toBeUndefined();
    expect(presignedUrlProblem('https://[2606:4700::1111]/a.mp4', none)).toBeUndefined();
  });

  it('refuses what is not a URL, and every scheme but https: and http:', () => {
    expect(presignedUrlProblem('/media/a.mp4', none)).toBe('it is not a URL');
    expect(presignedUrlProblem('file:///etc/passwd', none)).toBe('it is a file: URL, and only https: is fetched');
    expect(presignedUrlProblem('data:text/plain,hi', none)).toBe('it is a data: URL, and only https: is fetched');
    expect(presignedUrlProblem('ftp://cdn.test/a.mp4', ['loopback'])).toBe('it is a ftp: URL, and only https: is fetched');
    expect(presignedUrlProblem('javascript:alert(1)', none)).toBe('it is a javascript: URL, and only https: is fetched');
  });

  it('takes plain http: only to this machine', () => {
    const why = 'it is plain http:, which is fetched only from this machine (127.0.0.0/8, ::1, localhost)';
    expect(presignedUrlProblem('http://cdn.test/a.mp4', none)).toBe(why);
    expect(presignedUrlProblem('http://8.8.8.8/a.mp4', ['loopback'])).toBe(why);
    expect(presignedUrlProblem('http://10.0.0.1/a.mp4', ['private'])).toBe(why);
    expect(presignedUrlProblem('http://127.0.0.1:9/a.mp4', ['loopback'])).toBeUndefined();
    expect(presignedUrlProblem('http://127.1.2.3:9/a.mp4', ['loopback'])).toBeUndefined();
    expect(presignedUrlProblem('http://[::1]:9/a.mp4', ['loopback'])).toBeUndefined();
    expect(presignedUrlProblem('http://localhost:9/a.mp4', ['loopback'])).toBeUndefined();
  });

  it('refuses loopback, private, link-local and unspecified addresses unless base-url is of the same kind', () => {
    expect(presignedUrlProblem('http://127.0.0.1:9/a.mp4', none)).toBe(
      '127.0.0.1 is a loopback address (this machine), which is fetched from only when base-url is one too',
    );
    expect(presignedUrlProblem('https://localhost/a.mp4', none)).toBe(
      'localhost is a loopback address (this machine), which is fetched from only when base-url is one too',
    );
    expect(presignedUrlProblem('https://10.0.0.1/a.mp4', ['loopback'])).toBe(
      '10.0.0.1 is a private-network address, which is fetched from only when base-url is one too',
    );
    expect(presignedUrlProblem('https://10.0.0.1/a.mp4', ['private'])).toBeUndefined();
    expect(presignedUrlProblem('http://169.254.169.254/latest/meta-data/', ['loopback'])).toBe(
      '169.254.169.254 is a link-local address (where cloud metadata services answer), which is fetched from only when base-url is one too',
    );
    expect(presignedUrlProblem('https://[fe80::1]/a', ['loopback', 'private'])).toBe(
      '[fe80::1] is a link-local address (where cloud metadata services answer), which is fetched from only when base-url is one too',
    );
    expect(presignedUrlProblem('https://0.0.0.0/a', ['loopback'])).toBe(
      '0.0.0.0 is an unspecified address (0.0.0.0/8 or ::), which is fetched from only when base-url is one too',
    );
  });

  it('sees addresses however the URL writes them (the URL parser makes them canonical)', () => {
    expect(presignedUrlProblem('http://2852039166/', ['loopback'])).toMatch(/^169\.254\.169\.254 is a link-local address/);
    expect(presignedUrlProblem('http://0xa9.0xfe.0xa9.0xfe/', ['loopback'])).toMatch(/^169\.254\.169\.254 is a link-local address/);
    expect(presignedUrlProblem('https://[::ffff:169.254.169.254]/', ['loopback'])).toMatch(/^\[::ffff:a9fe:a9fe\] is a link-local address/);
    expect(presignedUrlProblem('https://169.254.169.254./', none)).toMatch(/^169\.254\.169\.254 is a link-local address/);
  });
});

describe('addressProblem', () => {
  it('names the host, what it resolves to and why', () => {
    expect(addressProblem('metadata.test', '169.254.169.254', [])).toBe(
      'metadata.test resolves to 169.254.169.254, a link-local address (where cloud metadata services answer), which is fetched from only when base-url is one too',
    );
    expect(addressProblem('cdn.test', '10.0.0.1', ['loopback'])).toBe(
      'cdn.test resolves to 10.0.0.1, a private-network address, which is fetched from only when base-url is one too',
    );
  });
  it('lets public addresses, and those of base-url’s kind, through', () => {
    expect(addressProblem('cdn.test', '8.8.8.8', [])).toBeUndefined();
    expect(addressProblem('localhost', '::1', ['loopback'])).toBeUndefined();
    expect(addressProblem('localhost', '127.0.0.1', ['loopback'])).toBeUndefined();
    expect(addressProblem('cdn.test', 'not an address', [])).toBeUndefined();
  });
});

describe('guardedLookup', () => {
  type Answer = { error?: NodeJS.ErrnoException; addresses?: LookupAddress[] };
  /** A fake dns.lookup answering `answer`, recording the options it was asked with. */
  function fake(answer: Answer) {
    const asked: unknown[] = [];
    const lookup = (_host: string, options: unknown, done: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => {
      asked.push(options);
      done(answer.error ?? null, answer.addresses ?? []);
    };
    return { lookup, asked };
  }
  const call = (lookup: ReturnType<typeof guardedLookup>, options: { all?: boolean; family?: number }) =>
    new Promise<{ error: Error | null; address: unknown; family?: number }>((resolve) =>
      lookup('cdn.test', options as never, (error, address, family) => resolve({ error, address, family })),
    );

  it('asks for every address, and answers in the form asked for', async () => {
    const dns = fake({
      addresses: [
        { address: '8.8.8.8', family: 4 },
        { address: '2606:4700::1111', family: 6 },
      ],
    });
    const guarded = guardedLookup([], dns.lookup as never);
    expect(await call(guarded, { family: 0 })).toEqual({ error: null, address: '8.8.8.8', family: 4 });
    expect(await call(guarded, { all: true })).toEqual({
      error: null,
      address: [
        { address: '8.8.8.8', family: 4 },
        { address: '2606:4700::1111', family: 6 },
      ],
      family: undefined,
    });
    expect(dns.asked).toEqual([{ family: 0, all: true }, { all: true }]);
  });

  it('refuses a name when any address it resolves to is refused, naming that address', async () => {
    const dns = fake({
      addresses: [
        { address: '8.8.8.8', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
    });
    const { error } = await call(guardedLookup(['loopback'], dns.lookup as never), { all: true });
    expect(error).toBeInstanceOf(RefusedAddress);
    expect(error?.message).toBe(
      'cdn.test resolves to 169.254.169.254, a link-local address (where cloud metadata services answer), which is fetched from only when base-url is one too',
    );
    expect((error as RefusedAddress).code).toBe('EREFUSEDADDRESS');
  });

  it("lets base-url's kind through", async () => {
    const dns = fake({ addresses: [{ address: '127.0.0.1', family: 4 }] });
    expect(await call(guardedLookup(['loopback'], dns.lookup as never), {})).toEqual({ error: null, address: '127.0.0.1', family: 4 });
  });

  it("passes DNS's own failures on, and an empty answer is not found", async () => {
    const failure = Object.assign(new Error('getaddrinfo ENOTFOUND cdn.test'), { code: 'ENOTFOUND' });
    expect((await call(guardedLookup([], fake({ error: failure }).lookup as never), {})).error).toBe(failure);
    const empty = await call(guardedLookup([], fake({ addresses: [] }).lookup as never), {});
    expect((empty.error as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
    expect(await call(guardedLookup([], fake({ addresses: [] }).lookup as never), { all: true })).toEqual({ error: null, address: [], family: undefined });
  });
});

describe('refusedAddress', () => {
  it('finds the refusal however a request wraps it', () => {
    const refused = new RefusedAddress('why');
    expect(refusedAddress(refused)).toBe(refused);
    expect(refusedAddress(Object.assign(new Error('fetch failed'), { cause: refused }))).toBe(refused);
    expect(refusedAddress(new AggregateError([new Error('other'), refused]))).toBe(refused);
    expect(refusedAddress(Object.assign(new Error('outer'), { cause: new AggregateError([refused]) }))).toBe(refused);
  });
  it('is undefined for other errors', () => {
    expect(refusedAddress(new Error('ECONNRESET'))).toBeUndefined();
    expect(refusedAddress(undefined)).toBeUndefined();
    expect(refusedAddress(new AggregateError([new Error('a')]))).toBeUndefined();
  });
});
