/**
 * The reporters of `vmunit kunit exec|run|parse`: the fan-out chosen by --json/--junit/--format/--output
 * (kunit.py's console always, unless --raw_output).
 */

import { resolve } from 'node:path';
import { createConsoleReporter } from '../../reporters/console.js';
import { createKunitJsonReporter, type KunitJsonMetadata } from '../../reporters/json-kunit.js';
import { createJUnitReporter } from '../../reporters/junit.js';
import { reportsBesideConsole, stdoutTaken } from '../../reporters/output.js';
import { createOutputReporter } from '../../reporters/output-reporter.js';
import { FanOutReporter, type Reporter } from '../../reporters/types.js';
import { HeldOutput } from '../../util/sink.js';
import { type KcidbFlags, kcidbOptions } from './record-output.js';

/** Where reports go and how they look. */
export interface ReportTargets {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly color: boolean;
  /** Relative --json/--junit paths are resolved here (kunit.py: the kernel root). */
  readonly baseDir: string;
  readonly json: string | undefined;
  readonly junit: string | undefined;
  /** kunit.py's streaming console output (off for --raw_output). */
  readonly console: boolean;
  /** `--summary` / `--failed`: what the console shows. */
  readonly summary?: boolean;
  readonly failed?: boolean;
  /** JSON metadata: the kernel tool's arch, defconfig and build dir; empty for `parse`. */
  readonly metadata: KunitJsonMetadata;
  /** `--format`/`--output` (reporters/output.ts), relative paths from `cwd`; a report on stdout moves the
   * console to `stderr`. */
  readonly grammar?: {
    readonly format: string | undefined;
    readonly outputs: readonly string[];
    readonly cwd: string;
    readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
    /** `--origin`, `--log-url`: what a kcidb report needs. */
    readonly kcidb?: KcidbFlags;
  };
}

/** True when `--format`/`--output` send a report to stdout: kunit.py's own lines then go to stderr. */
export function reportOnStdout(format: string | undefined, outputs: readonly string[], cwd: string): boolean {
  if (format === undefined && outputs.length === 0) return false;
  return stdoutTaken(reportsBesideConsole({ format, outputs, isTTY: true, cwd }));
}

/** The `--format`/`--output` reports; the console stays kunit.py's own, so `--format console` adds none. */
function grammarReporter(targets: ReportTargets): { reporter: Reporter | undefined; taken: boolean } {
  const g = targets.grammar;
  if (g === undefined || (g.format === undefined && g.outputs.length === 0))
    return { reporter: undefined, taken: false };
  const list = reportsBesideConsole({
    format: g.format,
    outputs: g.outputs,
    isTTY: targets.stdout.isTTY === true,
    cwd: g.cwd,
  });
  const reporter = createOutputReporter(list, {
    stdout: targets.stdout,
    color: false,
    metadata: targets.metadata,
    title: 'vmunit kunit',
    ...kcidbOptions(g.kcidb ?? {}),
  });
  return { reporter, taken: stdoutTaken(list) };
}

/** A file report that was written, for the "Test results stored in" line. */
export interface WrittenReport {
  readonly path: string;
}

/** The reporters of one run, and the files they will write. */
export function createReporters(targets: ReportTargets): { reporter: Reporter; files: WrittenReport[] } {
  const reporters: Reporter[] = [];
  const files: WrittenReport[] = [];
  const held: HeldOutput[] = [];
  const destination = (value: string) => {
    if (value === 'stdout') {
      // kunit.py prints its documents after the console's last line: held until every reporter closed.
      const output = new HeldOutput();
      held.push(output);
      return output.stream;
    }
    const path = resolve(targets.baseDir, value);
    files.push({ path });
    return path;
  };
  const grammar = grammarReporter(targets);
  if (targets.console) {
    const human = grammar.taken && targets.grammar ? targets.grammar.stderr : targets.stdout;
    reporters.push(
      createConsoleReporter({
        destination: human,
        color: targets.color && human.isTTY === true,
        ...(targets.summary ? { summaryOnly: true } : {}),
        ...(targets.failed ? { failedOnly: true } : {}),
      }),
    );
  }
  // kunit.py prints the JSON after the summary line, then (since JUnit support) the JUnit document.
  if (targets.json !== undefined) {
    reporters.push(
      createKunitJsonReporter({
        destination: destination(targets.json),
        color: false,
        metadata: targets.metadata,
        kunitCompatible: true,
      }),
    );
  }
  if (targets.junit !== undefined) {
    reporters.push(
      createJUnitReporter({ destination: destination(targets.junit), color: false, kunitCompatible: true }),
    );
  }
  if (grammar.reporter !== undefined) reporters.push(grammar.reporter);
  const all = new FanOutReporter(reporters);
  if (held.length === 0) return { reporter: all, files };
  const reporter: Reporter = {
    onEvent: (event) => all.onEvent(event),
    close: async () => {
      await all.close();
      for (const output of held) output.release(targets.stdout);
    },
  };
  return { reporter, files };
}
