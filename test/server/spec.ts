// Validation against Hedra's own OpenAPI document (a copy of
// ../shared/hedra-api/openapi-v2.json, kept equal by a test), with Ajv's
// JSON Schema 2020-12 validator: OpenAPI 3.1 schemas are that dialect.
import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type Json = Record<string, any>;

export const SPEC_PATH = new URL('../fixtures/openapi-v2.json', import.meta.url);
export const spec: Json = JSON.parse(readFileSync(SPEC_PATH, 'utf8'));

// CommonJS modules seen from ESM: the class may sit on .default.
const Ajv2020 = ((Ajv2020Module as any).default ?? Ajv2020Module) as typeof Ajv2020Module.default;
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as typeof addFormatsModule.default;

// strict: false because the document carries OpenAPI keywords (discriminator,
// x-mint, example) that are not JSON Schema; everything that is, is enforced.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
ajv.addSchema({ $id: 'hedra', components: spec.components });

const cache = new Map<string, ValidateFunction>();
function validator(ref: string): ValidateFunction {
  let fn = cache.get(ref);
  if (!fn) {
    fn = ajv.getSchema(`hedra${ref}`);
    if (!fn) throw new Error(`no schema ${ref} in the spec`);
    cache.set(ref, fn);
  }
  return fn;
}

function jsonBody(path: string, method: string, where: 'request' | 'response'): Json {
  const op = spec.paths[path][method];
  return where === 'request' ? op.requestBody.content[Object.keys(op.requestBody.content)[0]].schema : op.responses['200'].content['application/json'].schema;
}

/** The schema $ref for a body: the discriminator's mapping where the spec has one, the plain $ref otherwise. */
export function schemaRef(path: string, method: string, where: 'request' | 'response', body: unknown): string | undefined {
  const schema = jsonBody(path, method, where);
  if (schema.$ref) return schema.$ref;
  const { propertyName, mapping } = schema.discriminator;
  const tag = (body as Json | null)?.[propertyName];
  return typeof tag === 'string' ? mapping[tag] : undefined;
}

export interface FastApiError {
  type: string;
  loc: (string | number)[];
  msg: string;
}

/** Ajv errors in the shape FastAPI answers 422 with: {detail: [{type, loc, msg}]}. */
function toDetail(errors: ErrorObject[]): FastApiError[] {
  return errors.map((e) => {
    const loc: (string | number)[] = ['body'];
    for (const part of e.instancePath.split('/').slice(1)) loc.push(/^\d+$/.test(part) ? Number(part) : part);
    if (e.keyword === 'required') loc.push(e.params.missingProperty);
    return { type: e.keyword === 'required' ? 'missing' : e.keyword, loc, msg: e.message ?? 'invalid' };
  });
}

/** null when valid; the 422 detail list otherwise. */
export function validate(ref: string, value: unknown): FastApiError[] | null {
  const fn = validator(ref);
  return fn(value) ? null : toDetail(fn.errors ?? []);
}
