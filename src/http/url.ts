// Presigned URLs are named by Hedra's answers, which the action does not take on
// trust: a download URL is fetched only when it is https: (plain http: only
// to this machine, where test servers live), and only from a public address,
// unless base-url itself is an address of the same kind (a loopback test
// server may hand out loopback download URLs; nothing may send the action to
// a cloud metadata service at 169.254.169.254). The rules are pure: the
// transport applies them to every URL it is sent to, redirects included, and
// to every address a host name resolves to (src/http/presigned.ts).
import { isIPv4, isIPv6 } from 'node:net';

/** What an IP address reaches: the public internet, or somewhere a URL from an answer must not send the action. */
export type AddressKind = 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified';

const KIND_WORDS: Record<Exclude<AddressKind, 'public'>, string> = {
  loopback: 'a loopback address (this machine)',
  private: 'a private-network address',
  'link-local': 'a link-local address (where cloud metadata services answer)',
  unspecified: 'an unspecified address (0.0.0.0/8 or ::)',
};

function ipv4Kind(a: number, b: number): AddressKind {
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private';
  return 'public';
}

/** The eight 16-bit groups of a valid IPv6 address (a trailing dotted IPv4 part counts as two). */
function ipv6Groups(address: string): number[] {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const text = dotted
    ? `${address.slice(0, dotted.index)}${((Number(dotted[1]) << 8) | Number(dotted[2])).toString(16)}:${((Number(dotted[3]) << 8) | Number(dotted[4])).toString(16)}`
    : address;
  const [head, tail] = text.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':').map((group) => Number.parseInt(group, 16)) : []);
  const left = groups(head);
  const right = groups(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function ipv6Kind(address: string): AddressKind {
  const g = ipv6Groups(address);
  const zero = (from: number, to: number) => g.slice(from, to).every((group) => group === 0);
  // ::1; `::` itself is taken below, as the IPv4-compatible 0.0.0.0.
  if (zero(0, 7) && g[7] === 1) return 'loopback';
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
  // fc00::/7 unique local; fec0::/10 the site-local addresses it replaced.
  if ((g[0] & 0xfe00) === 0xfc00 || (g[0] & 0xffc0) === 0xfec0) return 'private';
  // An IPv4 address inside: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d), 6to4 (2002:AABB:CCDD::).
  const embedded = zero(0, 5) && (g[5] === 0xffff || g[5] === 0);
  if (embedded || (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6))) return ipv4Kind(g[6] >> 8, g[6] & 0xff);
  if (g[0] === 0x2002) return ipv4Kind(g[1] >> 8, g[1] & 0xff);
  return 'public';
}

/** What an IP address (v4 dotted, or v6, with or without brackets) reaches; undefined when it is not an IP address. */
export function addressKind(address: string): AddressKind | undefined {
  if (isIPv4(address)) {
    const [a, b] = address.split('.').map(Number);
    return ipv4Kind(a, b);
  }
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  return isIPv6(bare) ? ipv6Kind(bare) : undefined;
}

/** What a URL's host reaches when that is known without asking DNS: an IP address, or `localhost`; undefined for other names. */
export function hostKind(hostname: string): AddressKind | undefined {
  return hostname.toLowerCase() === 'localhost' ? 'loopback' : addressKind(hostname);
}

/** The kinds of address download URLs may name besides public ones: base-url's own kind, when its host is an address (or localhost). */
export function allowedKinds(baseUrl: string): AddressKind[] {
  const kind = hostKind(new URL(baseUrl).hostname);
  return kind && kind !== 'public' ? [kind] : [];
}

function kindProblem(what: string, kind: AddressKind, allowed: readonly AddressKind[]): string | undefined {
  if (kind === 'public' || allowed.includes(kind)) return undefined;
  return `${what} ${KIND_WORDS[kind]}, which is fetched from only when base-url is one too`;
}

/** Why `address`, an IP address that the host name `host` resolves to, may not be connected to; undefined when it may. */
export function addressProblem(host: string, address: string, allowed: readonly AddressKind[]): string | undefined {
  return kindProblem(`${host} resolves to ${address},`, addressKind(address) ?? 'public', allowed);
}

/**
 * Why a presigned URL (or a redirect on the way to one) may not be fetched;
 * undefined when it may, as far as the URL itself tells (the addresses a
 * host name resolves to are checked when connecting: addressProblem).
 */
export function presignedUrlProblem(url: string, allowed: readonly AddressKind[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'it is not a URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return `it is a ${parsed.protocol} URL, and only https: is fetched`;
  const kind = hostKind(parsed.hostname);
  const problem = kind && kindProblem(`${parsed.hostname} is`, kind, allowed);
  if (problem) return problem;
  if (parsed.protocol === 'http:' && kind !== 'loopback') return 'it is plain http:, which is fetched only from this machine (127.0.0.0/8, ::1, localhost)';
  return undefined;
}
