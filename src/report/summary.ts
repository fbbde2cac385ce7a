// The job summary: what a person wants at a glance. Pure: returns Markdown.
// It carries no secret and no presigned signature (links lose their query).
import { basename } from 'node:path';
import { formatBytes, formatDuration } from '../core/format.js';
import { cell, name, said } from '../core/outside.js';
import { withoutQuery } from '../core/urls.js';
import type { ItemResult } from '../hedra/api.js';
import type { Upload } from '../media/local-files.js';
import { failureReason } from './failures.js';
import { formatCost, overallStatus, type Spending } from './outputs.js';

export interface SummaryInput {
  type?: string;
  model?: string;
  /** Resumed from `generation-id` rather than created by this run. */
  resumed: boolean;
  /** A dry run: the request was checked, nothing was sent. */
  dryRun?: boolean;
  /** Generation ids when the run did not wait (`wait: false`). */
  createdOnly?: { generationIds: string[]; assetIds: string[] };
  items: ItemResult[];
  elapsedMs: number;
  uploads: Upload[];
  request?: unknown;
  spending?: Spending;
}

/** The cost line: the estimate, what was charged, or that an earlier generation was reused at no cost. */
function costText(spending: Spending): string {
  if (spending.reused) {
    const when = spending.reused.createdAt ? ` made ${cell(spending.reused.createdAt)}` : '';
    return `${formatCost(0, spending.unit)}: ${spending.reused.waited ? 'waited for' : 'reused'} the generation${when} from the same inputs`;
  }
  const parts: string[] = [];
  if (spending.estimateText) parts.push(`estimated ${cell(spending.estimateText)}`);
  if (spending.charged !== undefined) parts.push(`charged ${formatCost(spending.charged, spending.unit)}`);
  return parts.join('; ') || 'unknown (no estimate could be made)';
}

/** Text from outside as inline code (ids, hashes): the rule's said(), no backtick to close the span early. */
const code = (text: string) => `\`${said(text).replace(/`/g, "'")}\``;

/** A link target without its query string: presigned signatures stay out of the summary. */
function publicUrl(url: string | null | undefined): string | undefined {
  return url ? withoutQuery(url) : undefined;
}

export function renderSummary(input: SummaryInput): string {
  const status = input.dryRun ? 'dry run' : input.createdOnly ? 'submitted' : overallStatus(input.items);
  // The type is Hedra's modality on v3: in the heading only when it has the shape of a name (core/outside.ts).
  const type = name(input.type);
  const lines = [`### Hedra ${type ?? 'generation'}: ${cell(status)}`, ''];
  const facts: [string, string][] = [];
  if (type) facts.push(['Type', code(type)]);
  if (input.model) facts.push(['Model', code(input.model)]);
  if (input.resumed) facts.push(['Run', 'resumed an existing generation']);
  if (input.spending) facts.push([input.spending.unit === 'credits' ? 'Credits' : 'Cost', costText(input.spending)]);
  facts.push(['Time', formatDuration(input.elapsedMs)]);
  lines.push('| | |', '|---|---|', ...facts.map(([k, v]) => `| ${k} | ${v} |`), '');

  if (input.dryRun) {
    lines.push('The request is valid. Nothing was uploaded or sent, and no credits were spent.', '');
  } else if (input.createdOnly) {
    lines.push('| generation | asset |', '|---|---|');
    for (const [i, id] of input.createdOnly.generationIds.entries()) lines.push(`| ${code(id)} | ${code(input.createdOnly.assetIds[i] ?? '')} |`);
    lines.push('', 'Not waited for (`wait: false`): pass the generation id to `generation-id` in a later step to wait for it and download it.', '');
  } else {
    lines.push('| generation | asset | status | file | size | sha256 | result |', '|---|---|---|---|---|---|---|');
    for (const item of input.items) {
      const link = publicUrl(item.status.url);
      const state = item.status.status === 'error' ? `error: ${cell(failureReason(item.status))}` : cell(item.status.status);
      lines.push(
        `| ${code(item.generationId)} | ${code(item.status.asset_id ?? '')} | ${state} | ${item.file ? cell(basename(item.file.path)) : ''} | ${item.file ? formatBytes(item.file.bytes) : ''} | ${item.file ? code(item.file.sha256) : ''} | ${link ? `[open](${link})` : ''} |`,
      );
    }
    lines.push('');
    const voices = input.items.filter((i) => i.status.status === 'complete' && i.status.voice_id);
    for (const item of voices)
      lines.push(`Voice made by ${code(item.generationId)}: ${code(item.status.voice_id ?? '')} (give it to \`voice-id\` of a speech model).`, '');
    const previews = input.items.filter((i) => i.status.status === 'complete' && i.status.type === 'image' && publicUrl(i.status.url));
    if (previews.length > 0) {
      lines.push(previews.map((i) => `<img src="${publicUrl(i.status.url)}" alt="${cell(i.generationId)}" width="320">`).join(' '), '');
    }
  }

  if (input.uploads.length > 0) {
    lines.push(input.dryRun ? 'Would upload:' : 'Uploaded inputs:', '');
    for (const u of input.uploads) {
      const already = u.present ? ' (already on Hedra: not uploaded again)' : '';
      // v3 stores files by handle (a URL valid for an hour), with no asset id to show.
      lines.push(`- ${u.inputs.join(', ')}: ${cell(u.name)} (${formatBytes(u.size)})${u.assetId ? ` → ${code(u.assetId)}` : ''}${already}`);
    }
    lines.push('');
  }
  if (input.request !== undefined) {
    lines.push('<details><summary>Request body</summary>', '', '```json', JSON.stringify(input.request, null, 2), '```', '', '</details>', '');
  }
  return lines.join('\n');
}
