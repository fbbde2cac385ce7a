// What the workflow asked for, read and typed: the Settings every later step
// works from, and the inputs action.yml declares with their defaults (a test
// keeps the two equal). Nothing here reads an input; read.ts does.
import type { GenerationType, MappedInput } from './kinds.js';
import type { MediaRef } from './parsers.js';

/** Every input action.yml declares, with the defaults it declares (a test keeps the two equal). */
export const INPUT_DEFAULTS = {
  'api-key': '',
  api: 'v2',
  'base-url': '',
  type: '',
  model: '',
  prompt: '',
  'prompt-file': '',
  text: '',
  'voice-id': '',
  image: '',
  'end-image': '',
  audio: '',
  video: '',
  resolution: '',
  'aspect-ratio': '',
  duration: '',
  seed: '',
  name: '',
  'batch-size': '',
  'reference-images': '',
  request: '',
  wait: 'true',
  timeout: '30m',
  download: 'true',
  'output-path': '',
  'generation-id': '',
  'github-token': '${{ github.token }}',
  'release-upload': '',
  comment: 'false',
  'max-credits': '',
  reuse: 'true',
  'dry-run': 'false',
  manifest: '',
  plan: 'false',
  item: '',
  parallel: '4',
  verify: 'false',
} as const;

export type InputName = keyof typeof INPUT_DEFAULTS;
export const INPUT_NAMES = Object.keys(INPUT_DEFAULTS) as InputName[];

/** A typed input's value, parsed. */
export type InputValue = string | number | MediaRef | MediaRef[];

/** Hedra's two APIs: v2, the generations API; v3, one endpoint per model (src/apis/). */
export const APIS = ['v2', 'v3'] as const;
export type Api = (typeof APIS)[number];

/** Each API's base URL, when `base-url` is empty. */
export const DEFAULT_BASE_URLS: Record<Api, string> = {
  v2: 'https://api.hedra.com/web-app/public',
  v3: 'https://api.hedra.com/v3',
};

export interface Settings {
  api: Api;
  baseUrl: string;
  /** On v2, the type given or `video`; on v3, the type given, or `video` as a placeholder when `typeGiven` is false. */
  type: GenerationType;
  /** Whether `type` was set: on v3 it is then checked against the model's kind. */
  typeGiven: boolean;
  /** A model slug or a model UUID, as given. */
  model?: string;
  /** The typed inputs that map onto body fields and were set, keyed by input name, parsed. */
  mapped: Partial<Record<MappedInput, InputValue>>;
  /** The `request` input: further body fields, merged under the typed ones. */
  request?: Record<string, unknown>;
  dryRun: boolean;
  /** Wait for the result (and download it) instead of returning once it is created. */
  wait: boolean;
  /** Overall deadline of the run, in milliseconds from its start. */
  timeoutMs: number;
  download: boolean;
  /** Absolute; a directory unless it names a file (see hedra/download.ts). */
  outputPath: string;
  /** For release-upload and comment. */
  githubToken?: string;
  /** Attach the downloaded files to a release: the triggering release event's ('event'), or the one with this tag. */
  releaseUpload?: string;
  /** Comment the results on the pull request. */
  comment: boolean;
  /** The most the run may spend (`max-credits`), in the API's unit (credits on v2, US dollars on v3): over it, or when the cost cannot be estimated, nothing is paid. */
  maxCredits?: number;
  /** Derive ids from the content, so unchanged inputs reuse what was generated before (`reuse`). */
  reuse: boolean;
  /** A file whose text is the prompt (or the text, for speech and sound): read by prompt-file.ts. */
  promptFile?: string;
  /** Existing generations (v2) or jobs (v3) to wait for instead of creating one (`generation-id`). */
  resumeIds?: string[];
  /** GITHUB_WORKSPACE: relative media paths are resolved against it. */
  workspace: string;
  /** RUNNER_TEMP: where the results manifest goes. */
  runnerTemp: string;
}
