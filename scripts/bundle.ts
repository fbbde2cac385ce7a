// npm run bundle: builds src/index.ts into `dist/` (or the directory given) with ncc, and writes
// `licenses.txt` beside it: the licence of every package whose code is in the bundle.
//
// ncc's own `--license` leaves out the packages bundled into index.js itself (undici, @actions/core,
// zod, …) and lists only those of the lazily loaded chunks; redistributing their code without their
// notices would break their licences. So the list comes from webpack's own record of the modules it
// bundled (`--stats-out`): every package a bundled module came from, each version once.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

interface StatsModule {
  identifier?: string;
  modules?: StatsModule[];
}

/** The directories of the packages the bundled modules came from (an inner package of a nested one counts on its own). */
export function packageDirsOf(modules: StatsModule[]): string[] {
  const dirs = new Set<string>();
  const walk = (list: StatsModule[]) => {
    for (const module of list) {
      // An identifier is a path, prefixed with a module type and "|" or loaders and "!"; the file is the last part.
      const file = module.identifier?.split(/[!|]/).at(-1) ?? '';
      const at = file.lastIndexOf('/node_modules/');
      if (at >= 0) {
        const [scope, name] = file.slice(at + '/node_modules/'.length).split('/');
        dirs.add(file.slice(0, at + '/node_modules/'.length) + (scope.startsWith('@') ? `${scope}/${name}` : scope));
      }
      if (module.modules) walk(module.modules);
    }
  };
  walk(modules);
  return [...dirs];
}

/** One entry per package and version, sorted: name, version, licence, then the licence text the package ships. */
export function licensesOf(packageDirs: string[]): string {
  const entries = new Map<string, string>();
  for (const dir of packageDirs) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
    const file = readdirSync(dir).find((name) => /^(licen[cs]e|copying)(\.|$)/i.test(name));
    const text = file ? readFileSync(join(dir, file), 'utf8').trim() : '(the package ships no licence file)';
    entries.set(`${manifest.name}@${manifest.version}`, `${manifest.name} ${manifest.version}\n${manifest.license ?? 'UNKNOWN'}\n${text}\n`);
  }
  return [...entries.keys()]
    .sort()
    .map((key) => entries.get(key))
    .join('\n');
}

if (import.meta.main) {
  const out = resolve(process.argv[2] ?? join(ROOT, 'dist'));
  const scratch = mkdtempSync(join(tmpdir(), 'hedra-bundle-'));
  try {
    const stats = join(scratch, 'stats.json');
    const ncc = join(ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js');
    execFileSync(process.execPath, [ncc, 'build', 'src/index.ts', '-o', out, '--quiet', '--stats-out', stats], { cwd: ROOT, stdio: 'inherit' });
    if (!existsSync(stats)) throw new Error('ncc wrote no stats: cannot tell which packages are in the bundle');
    const { modules = [] } = JSON.parse(readFileSync(stats, 'utf8')) as { modules?: StatsModule[] };
    writeFileSync(join(out, 'licenses.txt'), licensesOf(packageDirsOf(modules)));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
