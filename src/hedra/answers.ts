// The words both APIs use for an error answer that means the same on either:
// a refused key, and an answer that says no more than its status and message.
// Each API's own vocabulary is in its adapter (src/apis/v2/errors.ts, src/apis/v3/errors.ts).

/** Hedra's sentence as a clause of ours: without its closing full stop. */
const clause = (said: string | undefined) => said?.replace(/[.\s]+$/, '') || undefined;

/** A 401 or 403: the key, not the request. `said` is what Hedra said, if anything. */
export function keyRefused(status: number, operation: string, said: string | undefined): string {
  const words = clause(said);
  return `Hedra refused the API key (HTTP ${status}, ${operation})${words ? `: ${words}` : ''}. Check that the "api-key" input (or HEDRA_API_KEY) holds a current key of a workspace with API access.`;
}

/** Any other error answer, with what Hedra said. */
export function answered(status: number, operation: string, said: string | undefined): string {
  const words = clause(said);
  return `Hedra answered HTTP ${status} to ${operation}${words ? `: ${words}` : ' with no message'}.`;
}
