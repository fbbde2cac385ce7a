// npm run docs: writes the README's inputs and outputs tables from action.yml,
// between the <!-- inputs --> / <!-- outputs --> markers. A test fails when the
// README and action.yml disagree, so the tables cannot drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

type Spec = { description: string; default?: string };
const ROOT = new URL('../', import.meta.url);

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n+/g, ' ').trim();

export function renderTables(actionYmlText: string): { inputs: string; outputs: string } {
  const action = parse(actionYmlText) as { inputs: Record<string, Spec>; outputs: Record<string, Spec> };
  const inputs = ['| input | default | description |', '|---|---|---|'];
  for (const [name, spec] of Object.entries(action.inputs)) {
    inputs.push(`| \`${name}\` | ${spec.default ? `\`${cell(spec.default)}\`` : ''} | ${cell(spec.description)} |`);
  }
  const outputs = ['| output | description |', '|---|---|'];
  for (const [name, spec] of Object.entries(action.outputs)) outputs.push(`| \`${name}\` | ${cell(spec.description)} |`);
  return { inputs: inputs.join('\n'), outputs: outputs.join('\n') };
}

export function withTables(readme: string, tables: { inputs: string; outputs: string }): string {
  let out = readme;
  for (const [marker, table] of Object.entries(tables)) {
    const pattern = new RegExp(`(<!-- ${marker} -->\\n)[\\s\\S]*?(<!-- /${marker} -->)`);
    if (!pattern.test(out)) throw new Error(`README.md lacks the <!-- ${marker} --> ... <!-- /${marker} --> markers`);
    out = out.replace(pattern, (_, open, close) => `${open}${table}\n${close}`);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const readmePath = new URL('README.md', ROOT);
  const tables = renderTables(readFileSync(new URL('action.yml', ROOT), 'utf8'));
  writeFileSync(readmePath, withTables(readFileSync(readmePath, 'utf8'), tables));
}
