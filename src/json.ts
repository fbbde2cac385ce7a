// The one test for "a JSON object" (not null, not a list), for request bodies,
// the `request` input and Hedra's answers alike.

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
