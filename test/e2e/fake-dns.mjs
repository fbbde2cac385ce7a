// Preloaded into the action's process by tests (NODE_OPTIONS=--import=<this file>)
// to stand in for DNS, which the end-to-end tests may not reach: the names in
// the JSON object FAKE_DNS ({"name": "address" or ["address", ...]}) resolve
// to those addresses through dns.lookup; every other name resolves as usual.
// Each name looked up here is appended to the file FAKE_DNS_LOG, when set.
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';

const table = JSON.parse(process.env.FAKE_DNS ?? '{}');
const real = dns.lookup;

dns.lookup = function lookup(hostname, options, callback) {
  const done = typeof options === 'function' ? options : callback;
  const wanted = typeof options === 'function' ? {} : typeof options === 'number' ? { family: options } : (options ?? {});
  if (!(hostname in table)) return real.call(this, hostname, options, callback);
  if (process.env.FAKE_DNS_LOG) appendFileSync(process.env.FAKE_DNS_LOG, `${hostname}\n`);
  const addresses = [table[hostname]].flat().map((address) => ({ address, family: isIPv6(address) ? 6 : 4 }));
  process.nextTick(() => (wanted.all ? done(null, addresses) : done(null, addresses[0].address, addresses[0].family)));
  return {};
};
