// The run, step by step: mask the key, read inputs, build and check the
// request, create the generation, set outputs. Every failure ends here, once.
import * as core from '@actions/core';
import { randomUUID } from 'node:crypto';
import { ApiError, InputError } from './errors.js';
import { HedraApi } from './hedra-api.js';
import { Transport } from './http/transport.js';
import { parseInputs, readApiKey } from './inputs.js';
import { addSecret, log, redact } from './log.js';
import { createdIds, idOutputs, type Outputs } from './outputs.js';
import { buildRequest } from './request/build.js';

const USER_AGENT = 'hedra-generate-action/0.1';

const MISSING_KEY =
  'No Hedra API key: set input "api-key" (api-key: ${{ secrets.HEDRA_API_KEY }}) or the HEDRA_API_KEY environment variable. ' +
  'If the secret exists, note that workflows triggered from forks and by Dependabot are not given repository secrets.';

function setOutputs(outputs: Outputs): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
}

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const apiKey = readApiKey(env);
  if (apiKey) addSecret(apiKey);
  // Known once chosen, so that any later failure can name what may exist on Hedra's side.
  let pendingIds: string[] = [];
  try {
    const settings = await parseInputs(env);
    if (!apiKey && !settings.dryRun) throw new InputError(MISSING_KEY);
    const { body, generationIds } = buildRequest(settings, randomUUID);
    const requestJson = JSON.stringify(body);
    setOutputs({ request: requestJson });
    if (settings.dryRun) {
      log.info(`Dry run: the ${settings.type} request is valid; nothing was sent.\n${JSON.stringify(body, null, 2)}`);
      return;
    }

    const transport = new Transport({ baseUrl: settings.baseUrl, apiKey: apiKey!, userAgent: USER_AGENT });
    try {
      pendingIds = generationIds;
      const created = await new HedraApi(transport).createGeneration(body);
      const ids = createdIds(generationIds, created);
      setOutputs(idOutputs(ids));
      log.info(`Created ${settings.type} generation ${ids.generationIds.join(', ')} (asset ${ids.assetIds.join(', ')}).`);
    } finally {
      await transport.close();
    }
  } catch (error) {
    log.fail(failureMessage(error, pendingIds), error instanceof InputError ? 'Invalid input' : 'Hedra generation failed');
    if (error instanceof Error && !(error instanceof InputError) && !(error instanceof ApiError)) {
      log.debug(redact(error.stack ?? String(error)));
    }
  }
}

function failureMessage(error: unknown, pendingIds: string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  // An HTTP answer that is an error means the create did not happen; anything
  // else (a lost connection) leaves it unknown, so name the ids to check.
  if (pendingIds.length > 0 && !(error instanceof ApiError && error.status !== undefined)) {
    return `${message}\nThe generation may exist on Hedra's side under id ${pendingIds.join(', ')}; check before running again.`;
  }
  return message;
}
