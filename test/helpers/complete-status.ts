// For tests that replace a status answer with a hostile one: the server's own
// answer for a finished generation, as a client would read it, to change a
// field of.
import type { HedraServer } from '../server/hedra-server.ts';

/** The status answer of generation `id` once complete (with its valid presigned download_url), polled every 50 ms. */
export async function completeStatusOf(server: HedraServer, id: string): Promise<Record<string, unknown>> {
  let answer: Record<string, unknown> = {};
  for (let tries = 0; answer.status !== 'complete' && tries < 50; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const response = await fetch(`${server.baseUrl}/generations/${id}/status`, { headers: { 'x-api-key': server.apiKey } });
    answer = (await response.json()) as Record<string, unknown>;
  }
  if (answer.status !== 'complete') throw new Error(`generation ${id} did not complete on the test server`);
  return answer;
}
