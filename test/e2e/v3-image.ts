// A v3 image run from a prompt (gpt-image-2, no local file) against a v3 test
// server, and the end of a file's servers: what the v3 e2e files of waiting
// and of the request budget share.
import { expect } from 'vitest';
import type { HedraV3Server } from '../server/hedra-v3-server.ts';

export const v3ImageInputs = (s: HedraV3Server, extra: Record<string, string>) => ({
  api: 'v3',
  'api-key': s.apiKey,
  'base-url': s.baseUrl,
  model: 'gpt-image-2',
  prompt: 'a lighthouse at dusk',
  'aspect-ratio': '1:1',
  resolution: '1K',
  request: '{"quality": "low"}',
  ...extra,
});

/** Every answer of the servers' own met the document; then they close. */
export async function closeServers(servers: HedraV3Server[]): Promise<void> {
  for (const s of servers) {
    expect(s.internalErrors).toEqual([]);
    await s.close();
  }
}
