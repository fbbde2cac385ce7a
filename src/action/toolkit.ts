// The runner's side of the run goes through @actions/core and nothing else.
// The run takes the toolkit as a parameter (index.ts passes the real one), so
// in-process tests can hand it a recording fake instead of parsing stdout.
import type * as core from '@actions/core';

export type Toolkit = Pick<typeof core, 'getInput' | 'setOutput' | 'setSecret' | 'info' | 'debug' | 'warning' | 'error' | 'startGroup' | 'endGroup'> & {
  /** The job summary: only the calls the action makes. */
  summary: Pick<typeof core.summary, 'addRaw' | 'write'>;
};

/** The process environment, or the part of it a test hands in. */
export type Env = Record<string, string | undefined>;
