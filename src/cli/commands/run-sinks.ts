/**
 * Where a `vmunit run` sends its output (the engine's RunTreeSinks): result lines, streamed reports and the
 * run record. Loaded only when tests run, with the runner.
 */

import { Writable } from 'node:stream';
import { ResultLinesReporter } from '../../guest/progress.js';
import { headerRecordMeta } from '../../guest/run-header.js';
import type { RunHeaderFacts, RunTreeSinks } from '../../guest/run-tree.js';
import type { RunRecord, ShardInfo } from '../../record/types.js';
import { checkOriginFor } from '../../reporters/kcidb-origin.js';
import { type OutputTarget, stdoutTaken } from '../../reporters/output.js';
import type { createOutputReporter } from '../../reporters/output-reporter.js';
import { FanOutReporter, type Reporter } from '../../reporters/types.js';
import { VmunitError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { recordWriter } from '../record-sink.js';
import type { KcidbFlags } from './record-output.js';
import { kcidbOptions } from './record-output.js';
import { runTargets } from './run-output.js';
import type { SliceFlags } from './shard-options.js';

const discard = (): Writable => new Writable({ write: (_c, _e, done) => done() });

/**
 * Where a run's output goes. Result lines: stdout as run_tests.sh, stderr when a report goes to stdout (so
 * it stays parseable), nowhere with -t (TAP replaces them; run_tests.sh sends them to /dev/null). Reports
 * on stdout stream; report files are rendered from the run record at the end (run-output.ts), once the
 * results folder is known.
 */
export interface RunFlags extends SliceFlags, KcidbFlags {
  directory?: string;
  group: string[];
  all?: boolean;
  list?: boolean;
  dryRun?: boolean;
  verbose?: boolean;
  parallel?: string;
  tap13?: boolean;
  results?: string;
  color?: boolean;
  format: string[];
  output: string[];
  probeMaxsmp?: boolean;
  waitTimeouts?: boolean;
  allowEmpty?: boolean;
  firmware?: string;
}

export class RunSinks implements RunTreeSinks {
  readonly #flags: RunFlags;
  readonly #ctx: CliContext;
  readonly #lines: ResultLinesReporter;
  readonly #shard: ShardInfo | undefined;
  readonly #reporters: typeof createOutputReporter | undefined;
  fromRecord: readonly OutputTarget[] = [];
  record: RunRecord | undefined;

  /**
   * The reporters load only when a report is asked for (--format, --output, -t): they are ~30 modules, and
   * a plain run starts its first QEMU sooner without them. Without those flags there is no live target.
   */
  static async create(flags: RunFlags, ctx: CliContext, shard: ShardInfo | undefined): Promise<RunSinks> {
    const asked = flags.format.length > 0 || flags.output.length > 0 || flags.tap13 === true;
    const reporters = asked ? await import('../../reporters/output-reporter.js') : undefined;
    return new RunSinks(flags, ctx, shard, reporters?.createOutputReporter);
  }

  private constructor(
    flags: RunFlags,
    ctx: CliContext,
    shard: ShardInfo | undefined,
    reporters: typeof createOutputReporter | undefined,
  ) {
    this.#flags = flags;
    this.#ctx = ctx;
    this.#shard = shard;
    this.#reporters = reporters;
    // The grammar is checked before anything runs; a dry run has no folder, so its reports all stream.
    const probe = this.#targets(flags.dryRun ? undefined : ctx.cwd);
    // A KCIDB report is rendered from the record at the end: its origin is checked now, not after the run.
    checkOriginFor([...probe.live, ...probe.fromRecord], flags.origin);
    const lineOut = flags.tap13 ? discard() : stdoutTaken(probe.live) ? ctx.stderr : ctx.stdout;
    const tty = (lineOut as { isTTY?: boolean }).isTTY === true;
    this.#lines = new ResultLinesReporter({
      out: lineOut,
      live: tty && ctx.env.CI === undefined,
      color: flags.color ?? (tty && ctx.env.NO_COLOR === undefined),
    });
  }

  #targets(resultsDir: string | undefined) {
    const tap13 = this.#flags.tap13 === true;
    return runTargets(this.#flags.format, this.#flags.output, { tap13, resultsDir, cwd: this.#ctx.cwd });
  }

  open = (resultsDir: string | undefined, facts: RunHeaderFacts): Reporter => {
    const ctx = this.#ctx;
    const targets = this.#targets(resultsDir);
    this.fromRecord = targets.fromRecord;
    const live = this.#live(targets.live);
    if (resultsDir === undefined) return new FanOutReporter([this.#lines, live]);
    const meta = { ...headerRecordMeta(facts), ...(this.#shard === undefined ? {} : { shard: this.#shard }) };
    const writer = recordWriter(ctx, resultsDir, meta, (r) => {
      this.record = r;
    });
    return new FanOutReporter([this.#lines, live, writer]);
  };

  #live(targets: readonly OutputTarget[]): Reporter {
    if (this.#reporters === undefined) {
      if (targets.length === 0) return new FanOutReporter([]);
      throw new VmunitError('INTERNAL', 'vmunit run: a live report without its reporters (RunSinks.create)');
    }
    const options = {
      stdout: this.#ctx.stdout,
      color: false,
      title: 'vmunit run',
      ...kcidbOptions(this.#flags),
    };
    return this.#reporters(targets, options);
  }

  print = (line: string): void => this.#lines.print(line);

  note = (line: string): void => {
    this.#ctx.stderr.write(`${line}\n`);
  };
}
