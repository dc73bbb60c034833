/** The run metadata every command knows from its own process: tool, command line, folder and host. */

import { availableParallelism, hostname, release, type } from 'node:os';
import type { RunMetaInput } from './builder.js';

export interface ProcessFacts {
  readonly version: string;
  readonly argv?: readonly string[] | undefined;
  readonly cwd: string;
}

export function processMeta(facts: ProcessFacts): RunMetaInput {
  return {
    tool: { name: 'vmunit', version: facts.version },
    command: facts.argv ?? [],
    cwd: facts.cwd,
    host: { hostname: hostname(), os: type(), kernelRelease: release(), cpus: availableParallelism() },
    startTime: new Date().toISOString(),
  };
}
