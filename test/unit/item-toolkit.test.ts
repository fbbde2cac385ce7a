// An item's toolkit in a manifest step: what it passes to the step's runner.
import { expect, it } from 'vitest';
import { createLog } from '../../src/action/log.ts';
import type { InputName } from '../../src/inputs/settings.ts';
import { itemToolkit } from '../../src/manifest/item-toolkit.ts';
import { recordingToolkit } from '../helpers/toolkit.ts';

it("gives the runner's masker each secret once per step, however many items register it (each would be a log line)", () => {
  const parent = recordingToolkit();
  const log = createLog(parent, {});
  const masked = new Set<string>();
  for (const name of ['intro', 'outro', 'teaser']) {
    const toolkit = itemToolkit(
      log,
      parent,
      {} as Record<InputName, string>,
      { label: name, failures: 'keep', masked },
      { outputs: {}, summary: '', failures: [] },
    );
    toolkit.setSecret('the-item-key-1234');
    toolkit.setSecret(`${name}-own-secret`);
  }
  expect(parent.recorded.secrets).toEqual(['the-item-key-1234', 'intro-own-secret', 'outro-own-secret', 'teaser-own-secret']);
});

it("names an item's lines when several share the log, and a check's lines (quiet) go to debug: a plan of 1,000 items says one line per item itself", () => {
  const parent = recordingToolkit();
  const log = createLog(parent, {});
  const record = { outputs: {}, summary: '', failures: [] };
  const inputs = {} as Record<InputName, string>;
  itemToolkit(log, parent, inputs, { label: 'intro', failures: 'keep', masked: new Set() }, record).info('Estimated cost: 8 credits.');
  itemToolkit(log, parent, inputs, { label: 'outro', failures: 'keep', masked: new Set(), quiet: true }, record).info('Estimated cost: 9 credits.');
  expect(parent.recorded.lines).toEqual(['info: [intro] Estimated cost: 8 credits.', 'debug: [outro] Estimated cost: 9 credits.']);
});
