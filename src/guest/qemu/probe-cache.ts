/**
 * QEMU's answers to the probes (`--help`, `-machine ?`, `-device ?`, `-L help`, …) kept on disk between
 * runs. Each probe is a QEMU start of 0.1–0.3 s and they come before the first test can start, so a warm
 * cache is most of the difference between a first QEMU at ~90 ms and at ~250 ms after `vmunit run` starts.
 *
 * One JSON file per binary, keyed by its path, size and modification time: a rebuilt or upgraded QEMU has
 * another size or mtime, and its answers are asked again and rewritten. A file that cannot be read, does
 * not parse or has the wrong shape is ignored the same way. Writes go to a temporary name and are renamed
 * over the file, so a concurrent run reads either the old file or the new one, never half of one; two runs
 * writing at once only lose each other's additions, which the next run asks again.
 */

import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { atomicTemp } from '../../util/sink.js';
import { type CaptureFn, type CaptureResult, defaultCapture } from './probe.js';

/** Bumped when the file's shape or what a probe asks changes: older files are then stale. */
const FORMAT = 1;

/** The identity of a binary the answers belong to. */
interface BinaryKey {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

interface CacheFile extends BinaryKey {
  readonly format: number;
  readonly answers: Record<string, CaptureResult>;
}

/**
 * The cache folder: `VMUNIT_CACHE_DIR`, else `$XDG_CACHE_HOME/vmunit`, else `~/.cache/vmunit` (the XDG
 * base directory rules: a relative XDG_CACHE_HOME is ignored); undefined when none can be named. Pure.
 */
export function cacheDir(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.VMUNIT_CACHE_DIR) return env.VMUNIT_CACHE_DIR;
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'vmunit');
  return env.HOME ? join(env.HOME, '.cache', 'vmunit') : undefined;
}

/**
 * The cache file of one binary (a hash of its path: any path, one flat folder). FNV-1a, not a digest from
 * node:crypto: it names a file and guards nothing, and loading node:crypto took ~6.5 ms of every run's
 * start before its first QEMU.
 */
export function cacheFileFor(dir: string, binary: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < binary.length; i++) {
    hash = ((hash ^ BigInt(binary.charCodeAt(i))) * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return join(dir, `qemu-probes-${hash.toString(16).padStart(16, '0')}.json`);
}

function isAnswer(value: unknown): value is CaptureResult {
  const v = value as CaptureResult;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.stdout === 'string' &&
    typeof v.stderr === 'string' &&
    (v.code === null || typeof v.code === 'number')
  );
}

/** The answers stored for exactly this binary; empty when the file is missing, corrupt or stale. */
export function parseCacheFile(text: string, key: BinaryKey): Map<string, CaptureResult> {
  let data: Partial<CacheFile>;
  try {
    data = JSON.parse(text) as Partial<CacheFile>;
  } catch {
    return new Map();
  }
  const fresh =
    typeof data === 'object' &&
    data !== null &&
    data.format === FORMAT &&
    data.path === key.path &&
    data.size === key.size &&
    data.mtimeMs === key.mtimeMs &&
    typeof data.answers === 'object' &&
    data.answers !== null;
  if (!fresh) return new Map();
  return new Map(Object.entries(data.answers ?? {}).filter(([, v]) => isAnswer(v)));
}

/** One binary's answers in memory, with its file written whole after each new answer. */
class BinaryAnswers {
  readonly #file: string;
  readonly #key: BinaryKey;
  readonly #answers: Map<string, CaptureResult>;
  #writing: Promise<void> = Promise.resolve();

  constructor(file: string, key: BinaryKey, answers: Map<string, CaptureResult>) {
    this.#file = file;
    this.#key = key;
    this.#answers = answers;
  }

  get(args: string): CaptureResult | undefined {
    return this.#answers.get(args);
  }

  /** Adds an answer and queues a rewrite; the returned promise settles when the file holds it. */
  set(args: string, answer: CaptureResult): Promise<void> {
    this.#answers.set(args, answer);
    this.#writing = this.#writing.then(() => this.#write());
    return this.#writing;
  }

  async #write(): Promise<void> {
    const data: CacheFile = { format: FORMAT, ...this.#key, answers: Object.fromEntries(this.#answers) };
    const tmp = atomicTemp(this.#file);
    try {
      await mkdir(join(this.#file, '..'), { recursive: true });
      await writeFile(tmp, JSON.stringify(data));
      await rename(tmp, this.#file);
    } catch {
      // A cache that cannot be written only means the next run asks QEMU again.
      await rm(tmp, { force: true }).catch(() => undefined);
    }
  }
}

/**
 * A CaptureFn answering from the cache in `dir` and asking `inner` (QEMU) on a miss. Only answers of a
 * run that exited 0 are kept: a probe killed by its timeout or a full machine is asked again next time.
 * `settled()` waits for the files still being written (tests; the process itself waits for them anyway).
 */
export function cachedCapture(inner: CaptureFn, dir: string): CaptureFn & { settled(): Promise<void> } {
  const binaries = new Map<string, Promise<BinaryAnswers | undefined>>();
  const writes = new Set<Promise<void>>();
  const load = async (binary: string): Promise<BinaryAnswers | undefined> => {
    const info = await stat(binary).catch(() => undefined);
    if (info === undefined) return undefined;
    const key = { path: binary, size: info.size, mtimeMs: info.mtimeMs };
    const file = cacheFileFor(dir, binary);
    const text = await readFile(file, 'utf8').catch(() => '');
    return new BinaryAnswers(file, key, parseCacheFile(text, key));
  };
  const capture = async (file: string, args: readonly string[]): Promise<CaptureResult> => {
    let entry = binaries.get(file);
    if (entry === undefined) {
      entry = load(file);
      binaries.set(file, entry);
    }
    const answers = await entry;
    const argsKey = args.join('\0');
    const hit = answers?.get(argsKey);
    if (hit !== undefined) return hit;
    const answer = await inner(file, args);
    if (answers !== undefined && answer.code === 0) {
      const write = answers.set(argsKey, answer);
      writes.add(write);
      write.finally(() => writes.delete(write)).catch(() => undefined);
    }
    return answer;
  };
  return Object.assign(capture, { settled: async () => void (await Promise.all(writes)) });
}

/** The probes' capture for a run with this environment: cached when a cache folder can be named. */
export function probeCapture(env: Readonly<Record<string, string | undefined>>): CaptureFn {
  const dir = cacheDir(env);
  return dir === undefined ? defaultCapture : cachedCapture(defaultCapture, dir);
}
