// Provenance for every file a manifest item made: an in-toto Statement (v1)
// whose subject is the file and its SHA-256 and whose predicate says how it
// was made (the API, the model, the generation or job id, the content key, the
// request as sent with secrets removed, when, and by which workflow run).
// Two files per output: the predicate alone, which GitHub's actions/attest
// signs (`predicate-type`, `predicate-path`, `subject-path`), and the whole
// Statement, for tools that read in-toto directly. Pure but for writing them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Env } from '../action/toolkit.js';
import type { Api } from '../inputs/settings.js';
import type { InputFingerprint } from './fingerprint.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** Ours: what the predicate's fields mean is documented in the README ("Provenance"). */
export const PREDICATE_TYPE = 'https://github.com/hedra-actions/hedra-generate-action/provenance/v1';

/** What made one output file. */
export interface Made {
  item: string;
  /** The file as the repository names it (relative to the workspace). */
  path: string;
  sha256: string;
  api: Api;
  model: string | null;
  /** The generation (v2) or job (v3) that made the file, and its output asset. */
  generationId: string;
  assetId: string | null;
  contentKey: string;
  inputs: Record<string, InputFingerprint>;
  /** The request as sent (the `request` output: no secret, no signed URL). */
  request: unknown;
  /** Whether an earlier run's generation was used (nothing was paid for it here). */
  reused: boolean;
  startedOn: string;
  finishedOn: string;
}

/** The workflow run, from the runner's variables (absent outside a runner). */
function workflowRun(env: Env) {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runId = env.GITHUB_RUN_ID ?? null;
  return {
    repository: env.GITHUB_REPOSITORY ?? null,
    workflow: env.GITHUB_WORKFLOW_REF ?? env.GITHUB_WORKFLOW ?? null,
    event: env.GITHUB_EVENT_NAME ?? null,
    ref: env.GITHUB_REF ?? null,
    commit: env.GITHUB_SHA ?? null,
    runId,
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? null,
    url: env.GITHUB_REPOSITORY && runId ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${runId}` : null,
  };
}

export function predicateFor(made: Made, env: Env) {
  return {
    generator: { name: 'hedra-generate-action', uri: 'https://github.com/hedra-actions/hedra-generate-action' },
    item: made.item,
    api: made.api,
    model: made.model,
    generationId: made.generationId,
    assetId: made.assetId,
    contentKey: made.contentKey,
    inputs: made.inputs,
    request: made.request,
    reused: made.reused,
    startedOn: made.startedOn,
    finishedOn: made.finishedOn,
    workflowRun: workflowRun(env),
  };
}

export function statementFor(made: Made, env: Env) {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: made.path, digest: { sha256: made.sha256 } }],
    predicateType: PREDICATE_TYPE,
    predicate: predicateFor(made, env),
  };
}

/** Where one output's provenance went. */
export interface ProvenanceFiles {
  item: string;
  path: string;
  sha256: string;
  predicate: string;
  statement: string;
}

/**
 * Writes the predicate and the Statement of each output into `folder`, named after the item and the output's place
 * in it (item names are plain: manifest-file.ts). `hide` takes out any secret an answer echoed.
 */
export async function writeProvenance(folder: string, outputs: Made[], env: Env, hide: (text: string) => string): Promise<ProvenanceFiles[]> {
  await mkdir(folder, { recursive: true });
  const counts = new Map<string, number>();
  const written: ProvenanceFiles[] = [];
  for (const made of outputs) {
    const n = (counts.get(made.item) ?? 0) + 1;
    counts.set(made.item, n);
    // `@` is not in an item's name (manifest-file.ts): item a's second output cannot take item a-2's file.
    const base = join(folder, n === 1 ? made.item : `${made.item}@${n}`);
    const predicate = `${base}.predicate.json`;
    const statement = `${base}.intoto.json`;
    await writeFile(predicate, hide(`${JSON.stringify(predicateFor(made, env), null, 2)}\n`));
    await writeFile(statement, hide(`${JSON.stringify(statementFor(made, env), null, 2)}\n`));
    written.push({ item: made.item, path: made.path, sha256: made.sha256, predicate, statement });
  }
  return written;
}
