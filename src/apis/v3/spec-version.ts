// The generation of Hedra's v3 API this action speaks.

/**
 * The version of the v3 OpenAPI document (`info.version`) the action is built and tested against
 * (test/fixtures/openapi-v3.json: a unit test holds the two equal, so refreshing the fixture means
 * revisiting this). Sent as `X-Hedra-Spec-Version` on every v3 request, as Hedra's own clients do, "so
 * the server can tell which generation of the API a caller was built against".
 */
export const V3_SPEC_VERSION = '3.9.0';

/** The headers every request to the v3 API carries besides the key. */
export const V3_HEADERS: Readonly<Record<string, string>> = { 'x-hedra-spec-version': V3_SPEC_VERSION };
