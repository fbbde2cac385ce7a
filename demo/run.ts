// npm run demo: the committed bundle against the local Hedra-compatible
// server, exactly as a workflow step would run it: two local files are
// uploaded, a video is generated from them, waited for and downloaded.
// No key, no network.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { runAction } from '../test/e2e/run-action.ts';
import { startHedraServer } from '../test/server/hedra-server.ts';

const server = await startHedraServer({ requireAssets: true, timings: { queued: 500, processing: 4000, finalizing: 500 }, resultBytes: 2 * 1024 * 1024 });
const step = {
  type: 'video',
  prompt: 'A friendly fox explains continuous integration',
  image: 'media/fox.png',
  audio: 'media/voice-over.mp3',
  'aspect-ratio': '16:9',
  resolution: '720p',
  request: 'generated_video_inputs:\n  negative_prompt: blurry',
};
const files = { 'media/fox.png': randomBytes(180 * 1024), 'media/voice-over.mp3': randomBytes(420 * 1024) };

console.log(`Local Hedra-compatible server: ${server.baseUrl}\n`);
console.log('Step inputs (with:):');
for (const [name, value] of Object.entries(step)) console.log(`  ${name}: ${JSON.stringify(value)}`);

const result = await runAction({ ...step, 'api-key': server.apiKey, 'base-url': server.baseUrl }, { files });
console.log("\n--- the action's log ---");
console.log(
  result.stdout
    .split('\n')
    .filter((l) => l && !l.startsWith('::add-mask::') && !l.startsWith('::debug::'))
    .join('\n'),
);
if (result.stderr) console.log(result.stderr);
console.log(`--- exit code ${result.code}, ${(result.elapsedMs / 1000).toFixed(1)}s ---\n`);

console.log('Outputs (GITHUB_OUTPUT):');
for (const [name, value] of Object.entries(result.outputs)) console.log(`  ${name} = ${value.length > 160 ? `${value.slice(0, 160)}…` : value}`);
if (result.outputs.path) {
  const local = createHash('sha256').update(readFileSync(result.outputs.path)).digest('hex');
  console.log(
    `\nDownloaded file ${result.outputs.path}: sha256 ${local} (${local === server.resultSha256(result.outputs['asset-id']) ? 'identical to what the server produced' : 'DIFFERENT from the server'})`,
  );
}
console.log(`\nJob summary (GITHUB_STEP_SUMMARY, Markdown):\n${result.summary}`);

console.log('Requests the server received:');
for (const r of server.requests) console.log(`  ${r.method} ${r.path} → HTTP ${r.status}`);
await server.close();
process.exitCode = result.code ?? 1;
