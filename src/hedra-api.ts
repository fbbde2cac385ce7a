// Hedra's endpoints, on top of the transport. Answers are read leniently:
// the server adds fields and enum values over time, and a run must not break
// on one it does not know; only what the action uses is checked.
import { z } from 'zod';
import { ApiError } from './errors.js';
import type { FileBody, Transport } from './http/transport.js';

const createdGeneration = z.looseObject({
  id: z.string(),
  asset_id: z.string().nullish(),
  status: z.string().nullish(),
  eta_sec: z.number().nullish(),
  batch_results: z
    .array(z.looseObject({ id: z.string().nullish(), asset_id: z.string().nullish() }))
    .nullish(),
});
export type CreatedGeneration = z.infer<typeof createdGeneration>;

const generationError = z.looseObject({
  type: z.string().nullish(),
  message: z.string().nullish(),
  reason_code: z.string().nullish(),
  param: z.string().nullish(),
  credits_needed: z.number().nullish(),
  credits_available: z.number().nullish(),
});

const generationStatus = z.looseObject({
  id: z.string(),
  asset_id: z.string().nullish(),
  type: z.string().nullish(),
  status: z.string(),
  progress: z.number().nullish(),
  error: generationError.nullish(),
  error_message: z.string().nullish(),
  url: z.string().nullish(),
  download_url: z.string().nullish(),
  streaming_url: z.string().nullish(),
});
export type GenerationStatus = z.infer<typeof generationStatus>;

const createdAsset = z.looseObject({ id: z.string(), upload_url: z.string().nullish() });
export type CreatedAsset = z.infer<typeof createdAsset>;

function read<T extends z.ZodType>(schema: T, value: unknown, operation: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problem = result.error.issues[0];
    throw new ApiError(
      `Hedra's answer to ${operation} lacks what the action needs (${problem.path.join('.') || 'body'}: ${problem.message}).`,
      undefined,
      value,
    );
  }
  return result.data;
}

export class HedraApi {
  constructor(private readonly transport: Transport) {}

  async createGeneration(body: Record<string, unknown>): Promise<CreatedGeneration> {
    return read(createdGeneration, await this.transport.json('POST', '/generations', body), 'POST /generations');
  }

  async status(generationId: string): Promise<GenerationStatus> {
    const path = `/generations/${encodeURIComponent(generationId)}/status`;
    return read(generationStatus, await this.transport.json('GET', path), `GET ${path}`);
  }

  async createAsset(name: string, type: string, reservedId: string): Promise<CreatedAsset> {
    const body = { name, type, reserved_asset_id: reservedId };
    return read(createdAsset, await this.transport.json('POST', '/assets', body), 'POST /assets');
  }

  /** The file's bytes for an asset: to the presigned upload_url when Hedra gave one, else as multipart. */
  async uploadAsset(asset: CreatedAsset, file: FileBody): Promise<void> {
    if (asset.upload_url) await this.transport.sendFile('PUT', { url: asset.upload_url }, file, 'raw');
    else await this.transport.sendFile('POST', { path: `/assets/${encodeURIComponent(asset.id)}/upload` }, file, 'multipart');
  }
}
