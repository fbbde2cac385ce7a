// v2's way of storing local files: each becomes a Hedra asset (POST /assets
// under the id the action reserved, then the file as multipart to POST
// /assets/{id}/upload), a few at a time; a file Hedra already has under its
// content-derived id is not sent again.
import { relative } from 'node:path';
import type { Log } from '../../action/log.js';
import { formatBytes } from '../../core/format.js';
import { pool } from '../../core/lazy.js';
import type { Upload } from '../../media/local-files.js';
import type { HedraClient } from './client.js';

const UPLOAD_CONCURRENCY = 3;

/**
 * Creates and fills an asset for every planned upload. Returns reserved id →
 * Hedra's id for any that differ (the request is then rewritten with them).
 */
export async function uploadAll(client: HedraClient, uploads: Upload[], workspace: string, log: Log, clock: () => number): Promise<Map<string, string>> {
  const renamed = new Map<string, string>();
  await pool(uploads, UPLOAD_CONCURRENCY, async (upload) => {
    if (upload.present) {
      log.info(`${upload.name} (${upload.inputs.join(', ')}) is already on Hedra as asset ${upload.assetId}: not uploaded again.`);
      return;
    }
    const started = clock();
    const asset = await client.createAsset(upload.name, upload.kind, upload.assetId);
    // A content-derived id the lookup did not find, yet it exists: another run with the same file made it
    // meanwhile, and its file may be there already, then not sent again. (With a random id, "exists" means
    // an earlier attempt of this run made the asset, which has no file yet.)
    if (
      asset.existed &&
      upload.present === false &&
      (await client.assetsWithMedia(upload.kind, [asset.id]).catch(() => new Set<string>())).has(asset.id.toLowerCase())
    ) {
      log.info(`${upload.name} (${upload.inputs.join(', ')}) is already on Hedra as asset ${asset.id}: not uploaded again.`);
      return;
    }
    await client.uploadAsset(asset.id, upload);
    if (asset.id !== upload.assetId) renamed.set(upload.assetId, asset.id);
    upload.assetId = asset.id;
    const shown = relative(workspace, upload.path).startsWith('..') ? upload.path : relative(workspace, upload.path);
    log.info(
      `Uploaded ${shown} (${formatBytes(upload.size)}, ${upload.inputs.join(', ')}) as asset ${asset.id} in ${((clock() - started) / 1000).toFixed(1)}s.`,
    );
  });
  return renamed;
}
