/**
 * What `vmunit test` does once its flags are parsed: find the test files, list or run them through the
 * unit library, and write the reports. Loaded by test.ts's action only.
 */

import { readdirSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import type { RunEvent } from '../../events/types.js';
import { parseOutputSpecs } from '../../reporters/output.js';
import { createOutputReporter } from '../../reporters/output-reporter.js';
import { FanOutReporter } from '../../reporters/types.js';
import { selectTests } from '../../unit/filter.js';
import type { HostBackend } from '../../unit/isolate.js';
import { DEFAULT_TIMEOUT_MS } from '../../unit/protocol.js';
import { listSuites, type RunOptions, runTests } from '../../unit/runner.js';
import type { Isolation } from '../../unit/supervisor.js';
import { VmunitError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { recordWriter } from '../record-sink.js';
import { type KcidbFlags, kcidbOptions } from './record-output.js';
import type { SliceFlags } from './shard-options.js';
import { sliceList } from './shard-options.js';

export interface TestFlags extends SliceFlags, KcidbFlags {
  filter?: string;
  filter_glob?: string;
  filter_action?: string;
  isolation: string;
  backend: string;
  timeout?: string;
  memory?: string;
  jobs: string;
  format?: string;
  output: string[];
  list?: boolean;
  list_attr?: boolean;
  results?: string;
}

/** Test files the command picks up. */
const TEST_FILE = /\.kunit\.[cm]?[jt]s$/;
/** Folders never searched (dependencies, build output, VCS data). */
const SKIP_DIRS = new Set(['node_modules', 'dist', 'dist-check', '.git']);

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(resolve(dir, entry.name), out);
    } else if (entry.isFile() && TEST_FILE.test(entry.name)) out.push(resolve(dir, entry.name));
  }
}

/** Resolves the arguments to test files: files as given, folders searched, anything else a glob under cwd. */
export function discoverTestFiles(args: readonly string[], cwd: string): string[] {
  const found = new Set<string>();
  let everything: string[] | undefined;
  for (const arg of args.length > 0 ? args : ['.']) {
    const path = resolve(cwd, arg);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isFile()) found.add(path);
    else if (stat?.isDirectory()) {
      const files: string[] = [];
      walk(path, files);
      for (const f of files) found.add(f);
    } else {
      if (everything === undefined) {
        everything = [];
        walk(cwd, everything);
      }
      const match = picomatch(arg, { dot: false });
      const hits = everything.filter((f) => match(relative(cwd, f)));
      if (hits.length === 0) throw new VmunitError('INPUT_NOT_FOUND', `no test file matches ${arg}`);
      for (const f of hits) found.add(f);
    }
  }
  return [...found].sort();
}

function choice<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new VmunitError('USAGE', `--${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new VmunitError('USAGE', `--${name} must be a positive number (got "${value}")`);
  return n;
}

/** KUnit's list/list_attr action output (lib/kunit/executor.c), without the leading KTAP hack line. */
function listing(
  suites: Awaited<ReturnType<typeof listSuites>>,
  options: RunOptions,
  attrs: boolean,
): string[] {
  const lines: string[] = [];
  for (const { suite, cases } of selectTests(suites, options)) {
    lines.push(suite.name);
    if (attrs && suite.attributes.speed) lines.push(`# speed: ${suite.attributes.speed}`);
    if (attrs && suite.attributes.module !== undefined) lines.push(`# module: ${suite.attributes.module}`);
    for (const c of cases) {
      const info = suite.cases[c.index];
      if (!info) continue;
      lines.push(`${suite.name}.${info.name}`);
      if (attrs && info.attributes.speed) lines.push(`# ${info.name}.speed: ${info.attributes.speed}`);
    }
  }
  return lines;
}

/** Runs the command; returns the exit status. */
export async function testCommand(
  args: readonly string[],
  flags: TestFlags,
  ctx: CliContext,
): Promise<number> {
  const files = discoverTestFiles(args, ctx.cwd);
  if (files.length === 0)
    throw new VmunitError('TEST_NOT_FOUND', `no *.kunit.ts or *.kunit.js files under ${ctx.cwd}`);
  if (flags.filter_action !== undefined && flags.filter_action !== 'skip')
    throw new VmunitError('USAGE', `--filter_action must be "skip" (got "${flags.filter_action}")`);
  const options: RunOptions = {
    files,
    rootDir: ctx.cwd,
    isolation: choice<Isolation>('isolation', flags.isolation, ['suite', 'case', 'none']),
    backend: choice<HostBackend>('backend', flags.backend, ['worker', 'process']),
    timeoutMs: positive('timeout', flags.timeout, DEFAULT_TIMEOUT_MS / 1000) * 1000,
    jobs: Math.floor(positive('jobs', flags.jobs, 1)),
    ...(flags.memory ? { memoryLimitMb: positive('memory', flags.memory, 0) } : {}),
    ...(flags.filter ? { filter: flags.filter } : {}),
    ...(flags.filter_glob ? { filterGlob: flags.filter_glob } : {}),
    ...(flags.filter_action === 'skip' ? { filterAction: 'skip' as const } : {}),
  };
  // Listing first: a file that cannot load, or a bad filter, fails before any report is started.
  const all = await listSuites(options);
  // Shards split the selected suites; every shard lists the same ones first.
  const selected = selectTests(all, options).map((s) => s.suite.name);
  const slice = await sliceList(selected, flags, ctx);
  const kept = new Set(slice.names);
  const listed = kept.size === selected.length ? all : all.filter((s) => kept.has(s.name));
  if (flags.list || flags.list_attr) {
    for (const line of listing(listed, options, flags.list_attr === true)) ctx.stdout.write(`${line}\n`);
    return 0;
  }
  const tty = ctx.stdout.isTTY === true;
  const targets = parseOutputSpecs({ format: flags.format, outputs: flags.output, isTTY: tty, cwd: ctx.cwd });
  const outputs = createOutputReporter(targets, {
    stdout: ctx.stdout,
    color: tty && ctx.env.NO_COLOR === undefined,
    title: 'vmunit test',
    ...kcidbOptions(flags),
  });
  const reporter =
    flags.results === undefined
      ? outputs
      : new FanOutReporter([
          outputs,
          recordWriter(ctx, resolve(ctx.cwd, flags.results), { producer: 'unit', name: ctx.cwd }),
        ]);
  let summary: Awaited<ReturnType<typeof runTests>>;
  try {
    summary = await runTests({ ...options, listed, signal: ctx.signal }, (e: RunEvent) =>
      reporter.onEvent(e),
    );
  } finally {
    await reporter.close();
  }
  return summary.ok ? 0 : 1;
}
