/**
 * Connects the kernel tool to the KTAP core and the reporters: the parser factory the exec stage uses and
 * the reporter fan-out chosen by --json/--junit (console always, unless --raw_output).
 */

import { resolve } from 'node:path';
import type { BootParserOptions, KtapLineParser } from '../../kernel/types.js';
import { extractKtap } from '../../ktap/extract.js';
import { KtapParser } from '../../ktap/parser.js';
import { createConsoleReporter } from '../../reporters/console.js';
import { createKunitJsonReporter, type KunitJsonMetadata } from '../../reporters/json-kunit.js';
import { createJUnitReporter } from '../../reporters/junit.js';
import { FanOutReporter, type Reporter } from '../../reporters/types.js';

/** A KTAP core parser for one boot (or one parsed file); run events are the caller's. */
export function createBootParser(options: BootParserOptions): KtapLineParser {
  return new KtapParser({
    idPrefix: options.idPrefix,
    ...(options.parentId === null ? {} : { parentId: options.parentId }),
    depth: options.depth,
    runEvents: false,
  });
}

/** kunit.py's extract_tap_lines over a finished list of lines. */
export function extractLines(lines: readonly string[]): string[] {
  return [...extractKtap(lines)];
}

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
  /** JSON metadata: the kernel tool's arch, defconfig and build dir; empty for `parse`. */
  readonly metadata: KunitJsonMetadata;
}

/** A file report that was written, for the "Test results stored in" line. */
export interface WrittenReport {
  readonly path: string;
}

/** The reporters of one run, and the files they will write. */
export function createReporters(targets: ReportTargets): { reporter: Reporter; files: WrittenReport[] } {
  const reporters: Reporter[] = [];
  const files: WrittenReport[] = [];
  const destination = (value: string) => {
    if (value === 'stdout') return targets.stdout;
    const path = resolve(targets.baseDir, value);
    files.push({ path });
    return path;
  };
  if (targets.console)
    reporters.push(createConsoleReporter({ destination: targets.stdout, color: targets.color }));
  // kunit.py prints the JSON after the summary line, then (since JUnit support) the JUnit document.
  if (targets.json !== undefined) {
    reporters.push(
      createKunitJsonReporter({
        destination: destination(targets.json),
        color: false,
        metadata: targets.metadata,
      }),
    );
  }
  if (targets.junit !== undefined) {
    reporters.push(
      createJUnitReporter({ destination: destination(targets.junit), color: false, kunitCompatible: true }),
    );
  }
  return { reporter: new FanOutReporter(reporters), files };
}
