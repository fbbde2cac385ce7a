// Lets Node run the TypeScript sources directly for the benchmark: src/ imports
// its siblings as `./x.js` (what the bundler and tsc expect); this resolves
// such a specifier to the `.ts` file beside it when no `.js` file exists.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
export async function resolve(specifier, context, next) {
  if (specifier.endsWith('.js') && (specifier.startsWith('./') || specifier.startsWith('../')) && context.parentURL?.startsWith('file:')) {
    const url = new URL(specifier, context.parentURL);
    if (!existsSync(fileURLToPath(url))) return next(specifier.slice(0, -3) + '.ts', context);
  }
  return next(specifier, context);
}`),
);
