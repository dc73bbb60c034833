/**
 * One boot of an isolated run (isolated.ts), in its own scratch dir under `<build_dir>/isolated/`: its
 * console parsed into events that are kept, not emitted, until the run releases them in list order.
 *
 * UML instances that run side by side must not share state: each gets its own `uml_dir=` and `umid=` (UML's
 * pid file and management socket live in <uml_dir>/<umid>), unless the user set them. Their memory needs no
 * care: UML backs it with an unlinked O_TMPFILE in the first tmpfs it finds (/dev/shm), private to each
 * instance. TMPDIR is left as the user has it, as kunit.py does: pointing it at the build dir put every
 * boot's memory on disk, under the host's dirty-page writeback.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEvent } from '../events/types.js';
import type { BootSummary } from './boot-merge.js';
import { ROOT_ID, runBoot } from './boot-session.js';
import { BUILD_DIR_FILES } from './config-stage.js';
import type { ExecDeps, ExecRequest } from './types.js';

/** Directory holding every boot's scratch dir and log. */
export function isolatedDir(buildDir: string): string {
  return join(buildDir, 'isolated');
}

/** Scratch dir and log of the boot started `seq`-th (1-based). */
export function scratchDir(req: ExecRequest, seq: number): string {
  return join(isolatedDir(req.target.buildDir), String(seq).padStart(4, '0'));
}

/** UML arguments that keep parallel instances apart, unless the user chose them. */
export function umlIsolationArgs(req: ExecRequest, scratch: string, seq: number): string[] {
  if (req.target.profile.kind !== 'uml') return [];
  const given = (key: string) => req.kernelArgs.some((a) => a.startsWith(`${key}=`));
  const args: string[] = [];
  if (!given('uml_dir')) args.push(`uml_dir=${join(scratch, 'uml')}`);
  if (!given('umid')) args.push(`umid=vmunit-${process.pid}-${seq}`);
  return args;
}

function describeEnd(
  outcome: { timedOut: boolean; exitCode: number | null; signal: string | null },
  timeoutSec: number,
) {
  if (outcome.timedOut) return `timed out after ${timeoutSec} s`;
  if (outcome.signal) return `was killed by ${outcome.signal}`;
  return `exited with status ${outcome.exitCode}`;
}

export interface BootRecord {
  readonly glob: string;
  /** The boot's events, held until every earlier boot has been released. */
  readonly events: RunEvent[];
  readonly summary: BootSummary;
  readonly logPath: string;
  readonly timedOut: boolean;
  readonly elapsedMs: number;
}

/** Boot number `seq` (1-based start order), in its own scratch dir; its events are kept, not emitted. */
export async function isolatedBoot(
  deps: ExecDeps,
  req: ExecRequest,
  glob: string,
  seq: number,
): Promise<BootRecord> {
  const scratch = scratchDir(req, seq);
  await mkdir(scratch, { recursive: true });
  const logPath = join(scratch, BUILD_DIR_FILES.testLog);
  await writeFile(logPath, '');
  const idPrefix = `b${seq}:`;
  const parser = deps.createParser({
    idPrefix,
    parentId: ROOT_ID,
    depth: 0,
    ...(req.target.rules ? { rules: req.target.rules } : {}),
  });
  const events: RunEvent[] = [];
  const tail: string[] = [];
  if (deps.io.signal?.aborted) {
    const summary = { glob, idPrefix, failure: 'was not started (interrupted)', tail: [] };
    return { glob, events: [], summary, logPath, timedOut: true, elapsedMs: 0 };
  }
  const spec = {
    filterGlob: glob,
    leadingArgs: umlIsolationArgs(req, scratch, seq),
    env: deps.io.env,
    logPath,
  };
  const outcome = await runBoot(deps.io, req, spec, (line) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
    // Not push(...): one line can end a large plan and stand for more events than a call takes arguments.
    for (const event of parser.push(line)) events.push(event);
  });
  for (const event of parser.end()) events.push(event);
  const summary = { glob, idPrefix, failure: describeEnd(outcome, req.timeoutSec), tail };
  return { glob, events, summary, logPath, timedOut: outcome.timedOut, elapsedMs: outcome.elapsedMs };
}
