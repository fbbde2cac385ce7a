// A self-signed certificate for 127.0.0.1 and its private key, committed for
// the tests only (test/fixtures/tls/README.md): a TLS test server presents it,
// and a run trusts it through NODE_EXTRA_CA_CERTS. It protects nothing. It is
// valid from 2020 to 2120, so that the tests need no openssl to make one.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The certificate's file, for NODE_EXTRA_CA_CERTS. */
export const TEST_CERT_PATH = fileURLToPath(new URL('../fixtures/tls/cert.pem', import.meta.url));

/** The certificate and its key, for a test server's `tls` option. */
export function testCertificate(): { key: string; cert: string } {
  return {
    key: readFileSync(fileURLToPath(new URL('../fixtures/tls/key.pem', import.meta.url)), 'utf8'),
    cert: readFileSync(TEST_CERT_PATH, 'utf8'),
  };
}
