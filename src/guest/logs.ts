/**
 * The results folder, laid out as run_tests.sh's `logs/` so existing scripts keep working:
 * `<dir>/<test>.log` (the exact command line first, then guest console and QEMU stderr in arrival order,
 * then one empty line), `<dir>/SUMMARY` (`BUILD_HEAD=<build-head>`), the previous run rotated to
 * `<dir>.old`. vmunit adds `<dir>/results.json` (verdicts and durations, used by `-j` to start the
 * longest tests first next time; at most a second behind while the run goes on), `<dir>/environ-<accel>`
 * (the `-initrd` file each log's first line names) and the marker `.vmunit-results`: only a folder a run made (marked, or run_tests.sh's own logs
 * folder) is ever rotated or deleted, so `--results .` or a typo cannot move someone's tree. Test names come from unittests.cfg section headers, so they are made
 * safe before they become file names: a name can never write outside the folder.
 */

import { closeSync, openSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VmunitError } from '../util/errors.js';
import { pathInside } from '../util/paths.js';
import { isMissing } from '../util/read-input.js';
import { writeAllSync, writeAtomicSync } from '../util/sink.js';

/** Default cap of one test log: a guest flooding its serial port cannot fill the disk or the heap. */
export const DEFAULT_LOG_CAP_BYTES = 8 * 1024 * 1024;

/**
 * `<name>.log`, with path separators, NUL and leading dots neutralised. Names that are safe as they are
 * (every name in upstream cfg files) keep their upstream file name.
 */
export function logFileName(testName: string): string {
  let safe = testName.replace(/[/\\\0]/g, '_');
  if (safe === '' || safe.startsWith('.')) safe = `_${safe}`;
  return `${safe}.log`;
}

/** One test's outcome as stored in results.json. */
export interface StoredResult {
  readonly name: string;
  readonly verdict: 'PASS' | 'FAIL' | 'SKIP';
  readonly reason: string;
  readonly durationMs: number;
}

/** The file that says a folder is a results folder a run made. */
export const RESULTS_MARKER = '.vmunit-results';

/**
 * What is at `path`: nothing, an empty folder, a results folder a run made (vmunit's marker, or
 * run_tests.sh's logs folder: a SUMMARY with BUILD_HEAD and nothing but `*.log` files), or anything else.
 */
export async function resultsFolderKind(path: string): Promise<'none' | 'empty' | 'results' | 'foreign'> {
  let entries: string[];
  try {
    if (!(await stat(path)).isDirectory()) return 'foreign';
    entries = await readdir(path);
  } catch (error) {
    // ENOTDIR (a file where a parent folder should be) is left for mkdir to report.
    if (isMissing(error)) return 'none';
    throw error;
  }
  if (entries.length === 0) return 'empty';
  if (entries.includes(RESULTS_MARKER)) return 'results';
  const summary = await readFile(join(path, 'SUMMARY'), 'utf8').catch(() => '');
  const upstream =
    summary.startsWith('BUILD_HEAD=') && entries.every((e) => e === 'SUMMARY' || e.endsWith('.log'));
  return upstream ? 'results' : 'foreign';
}

/** The folder's kind; a foreign folder is refused (exit 2), never moved or deleted. */
async function checkedKind(path: string, role: string): Promise<'none' | 'empty' | 'results'> {
  const kind = await resultsFolderKind(path).catch((cause: unknown) => {
    throw new VmunitError('OUTPUT_UNWRITABLE', `cannot prepare ${role} ${path}`, { cause });
  });
  if (kind !== 'foreign') return kind;
  throw new VmunitError(
    'OUTPUT_UNWRITABLE',
    `${role} ${path} exists and was not made by a vmunit run (no ${RESULTS_MARKER}); choose another --results folder or remove it yourself`,
  );
}

/** Durations of the previous run (`<dir>/results.json`), read before the folder is rotated. */
export async function readPreviousDurations(dir: string): Promise<Map<string, number>> {
  const map = new Map<string, number>();
  try {
    const data = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as { tests?: StoredResult[] };
    for (const t of data.tests ?? []) {
      if (typeof t.name === 'string' && typeof t.durationMs === 'number') map.set(t.name, t.durationMs);
    }
  } catch {
    // No previous run (or an unreadable one): schedule in cfg order.
  }
  return map;
}

/**
 * `rm -rf <dir>.old; mv <dir> <dir>.old; mkdir <dir>; echo BUILD_HEAD=… > <dir>/SUMMARY`, plus the marker,
 * for folders a run made only.
 * @throws VmunitError OUTPUT_UNWRITABLE when `<dir>` or `<dir>.old` exists and is not a results folder
 *   (nothing is moved or deleted then), or when the folder cannot be made (the cause says why).
 */
export async function prepareResultsDir(dir: string, buildHead: string): Promise<void> {
  const kind = await checkedKind(dir, 'results folder');
  if (kind === 'results') await checkedKind(`${dir}.old`, 'previous results folder');
  try {
    if (kind === 'results') {
      await rm(`${dir}.old`, { recursive: true, force: true });
      await rename(dir, `${dir}.old`);
    }
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, RESULTS_MARKER), 'made by vmunit run: rotated to .old by the next run\n');
    await writeFile(join(dir, 'SUMMARY'), `BUILD_HEAD=${buildHead}\n`);
  } catch (error) {
    throw new VmunitError('OUTPUT_UNWRITABLE', `cannot prepare results folder ${dir}`, { cause: error });
  }
}

/**
 * Rewrites results.json with the results known so far (atomically: valid JSON whenever it is read), with
 * synchronous calls: a small file, and the thread pool's round trips cost more than the writes.
 */
export function writeResultsJson(
  dir: string,
  results: readonly StoredResult[],
  complete: boolean,
  elapsedMs?: number,
  firstSpawnMs?: number,
): void {
  const doc = {
    complete,
    ...(elapsedMs === undefined ? {} : { elapsedMs: Math.round(elapsedMs) }),
    // From process start to the first QEMU of a test (bench/guest-suite's start-up figure).
    ...(firstSpawnMs === undefined ? {} : { firstSpawnMs: Math.round(firstSpawnMs) }),
    tests: results,
  };
  writeAtomicSync(join(dir, 'results.json'), `${JSON.stringify(doc, null, 2)}\n`);
}

/** While a run goes on, results.json is rewritten at most this often (and once more when it ends). */
const RESULTS_INTERVAL_MS = 1000;

/**
 * A run's results.json, kept up to date as tests end: rewritten (one write at a time) at most once every
 * RESULTS_INTERVAL_MS, so a run of quick tests does not pay for a rewrite each, and never more than that
 * behind the finished tests; `finish` writes the final one.
 */
export class ResultsFile {
  readonly #dir: string;
  readonly #results: StoredResult[] = [];
  #lastWrite = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;

  constructor(dir: string) {
    this.#dir = dir;
  }

  add(result: StoredResult): void {
    this.#results.push(result);
    if (this.#timer !== undefined) return;
    const wait = this.#lastWrite + RESULTS_INTERVAL_MS - performance.now();
    if (wait <= 0) this.#flush();
    else this.#timer = setTimeout(() => this.#flush(), wait);
  }

  #flush(): void {
    this.#timer = undefined;
    this.#lastWrite = performance.now();
    try {
      writeResultsJson(this.#dir, this.#results, false);
    } catch {
      // The last rewrite (finish) reports a folder that cannot be written.
    }
  }

  /** The last rewrite: `complete` false for an interrupted run. */
  async finish(complete: boolean, elapsedMs: number, firstSpawnMs: number | undefined): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    writeResultsJson(this.#dir, this.#results, complete, elapsedMs, firstSpawnMs);
  }
}

/** Pending log text past this many characters is written at once rather than when LOG_FLUSH_MS is up. */
const LOG_FLUSH_CHARS = 64 * 1024;

/**
 * Lines are written at most this long after they arrived. A serial console reaches vmunit a few bytes at a
 * time (QEMU writes each character the guest sends), so a write per event-loop turn was a write per line:
 * 10-30 system calls for a quick test, where this makes one to three.
 */
export const LOG_FLUSH_MS = 100;

/**
 * Appends to one test's log with a byte cap; writes never throw into the runner (a full disk must not crash
 * the run: the verdict does not depend on the log). Lines are gathered and written together at most
 * LOG_FLUSH_MS after the first of them, and all of them at close. The file is written synchronously: a
 * write to the page cache costs less than handing it to libuv's thread pool and back, which every
 * asynchronous open, write and close of every test did.
 */
export class TestLog {
  #fd: number | undefined;
  readonly #cap: number;
  #written = 0;
  #truncated = false;
  #pending = '';
  #scheduled: NodeJS.Timeout | undefined;
  readonly path: string;

  constructor(dir: string, testName: string, cap: number = DEFAULT_LOG_CAP_BYTES) {
    this.path = pathInside(dir, logFileName(testName));
    this.#cap = cap;
    try {
      this.#fd = openSync(this.path, 'a');
    } catch {
      this.#fd = undefined;
    }
  }

  line(text: string): void {
    if (this.#truncated) return;
    const bytes = Buffer.byteLength(text) + 1;
    if (this.#written + bytes > this.#cap) {
      this.#truncated = true;
      this.#queue(`[vmunit: log truncated at ${this.#cap} bytes]\n`);
      return;
    }
    this.#written += bytes;
    this.#queue(`${text}\n`);
  }

  #queue(text: string): void {
    this.#pending += text;
    if (this.#pending.length >= LOG_FLUSH_CHARS) this.#flush();
    else this.#scheduled ??= setTimeout(() => this.#flush(), LOG_FLUSH_MS);
  }

  #flush(): void {
    clearTimeout(this.#scheduled);
    this.#scheduled = undefined;
    const text = this.#pending;
    this.#pending = '';
    if (this.#fd === undefined || text === '') return;
    try {
      writeAllSync(this.#fd, text);
    } catch {
      this.#close();
    }
  }

  #close(): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // Nothing more can be lost.
    }
  }

  get truncated(): boolean {
    return this.#truncated;
  }

  close(): Promise<void> {
    this.#flush();
    this.#close();
    return Promise.resolve();
  }
}
