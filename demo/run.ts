// npm run demo: the committed bundle against the local Hedra-compatible
// server, exactly as a workflow step would run it. No key, no network.
import { startHedraServer } from '../test/server/hedra-server.ts';
import { runAction } from '../test/e2e/run-action.ts';

const server = await startHedraServer();
const step = {
  type: 'video',
  prompt: 'A friendly fox explains continuous integration',
  image: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  'aspect-ratio': '16:9',
  resolution: '720p',
  duration: '5s',
  request: 'generated_video_inputs:\n  negative_prompt: blurry',
};

console.log(`Local Hedra-compatible server: ${server.baseUrl}\n`);
console.log('Step inputs (with:):');
for (const [name, value] of Object.entries(step)) console.log(`  ${name}: ${JSON.stringify(value)}`);

const result = await runAction({ ...step, 'api-key': server.apiKey, 'base-url': server.baseUrl });
console.log('\n--- the action\'s log ---');
console.log(result.stdout.split('\n').filter((l) => l && !l.startsWith('::add-mask::') && !l.startsWith('::debug::')).join('\n'));
if (result.stderr) console.log(result.stderr);
console.log(`--- exit code ${result.code} ---\n`);

console.log('Outputs (GITHUB_OUTPUT):');
for (const [name, value] of Object.entries(result.outputs)) console.log(`  ${name} = ${value}`);
if (result.summary) console.log(`\nJob summary (GITHUB_STEP_SUMMARY):\n${result.summary}`);

console.log('\nRequests the server received:');
for (const r of server.requests) console.log(`  ${r.method} ${r.path} → HTTP ${r.status}`);
await server.close();
process.exitCode = result.code ?? 1;
