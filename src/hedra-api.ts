// Hedra's endpoints, on top of the transport. Answers are read leniently:
// the server adds fields and enum values over time, and a run must not break
// on one it does not know; only what the action uses is checked.
import { z } from 'zod';
import { ApiError } from './errors.js';
import type { Transport } from './http/transport.js';

const createdGeneration = z.looseObject({
  id: z.string(),
  asset_id: z.string().nullish(),
  status: z.string().nullish(),
  batch_results: z
    .array(z.looseObject({ id: z.string().nullish(), asset_id: z.string().nullish() }))
    .nullish(),
});

export type CreatedGeneration = z.infer<typeof createdGeneration>;

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
}
