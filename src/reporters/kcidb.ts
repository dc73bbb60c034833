/**
 * KCIDB I/O v5.3 from a run record: what CI labs submit to the common kernel test database
 * (`kcidb-submit`). One checkout stub (the tree and its HEAD), one build stub (the tree built for an arch),
 * and a test object per harness test plus one per check below it, with the check as a further path
 * component (`kvm-unit-tests.x86_64.emulator.movaps`). Pure: record in, JSON document out.
 *
 * Ids are stable for one run and unique across runs (they carry the run's start time), so a re-submitted
 * run updates its objects instead of adding copies. Path components may only hold `[a-zA-Z0-9_-]`; other
 * characters become `_`, and a name that collides with a sibling's gets `-2`, `-3`…
 */

import { createHash } from 'node:crypto';
import type { ProducerKind, TestStatus } from '../events/types.js';
import { isFailingStatus } from '../ktap/status.js';
import { RecordBuilder, type RunMetaInput } from '../record/builder.js';
import { verdictOf } from '../record/counts.js';
import type { RecordCheck, RecordTest, RunMeta, RunRecord, Verdict } from '../record/types.js';
import { writeDocument } from '../util/sink.js';
import { checkOrigin } from './kcidb-origin.js';
import type { Reporter } from './types.js';

/** KCIDB's limit on `log_excerpt`. */
const EXCERPT_MAX = 16384;

export interface KcidbOptions {
  /** `--origin`: the submitting CI system's name. */
  readonly origin: string;
  /** Where the results folder is published: test logs become `log_url` = base + '/' + log. */
  readonly logUrlBase?: string;
}

type KcidbStatus = Verdict | 'DONE';

interface KcidbTest {
  id: string;
  build_id: string;
  origin: string;
  path: string;
  status: KcidbStatus;
  start_time?: string;
  duration?: number;
  log_url?: string;
  log_excerpt?: string;
  comment?: string;
  environment?: { comment?: string; misc?: Record<string, string | number> };
  misc?: Record<string, string | number>;
}

export interface KcidbDocument {
  version: { major: 5; minor: 3 };
  checkouts: Record<string, unknown>[];
  builds: Record<string, unknown>[];
  tests: KcidbTest[];
}

/** The first path component per producer: the suite names KCIDB users already query. */
const SUITE: Readonly<Record<ProducerKind, string>> = {
  guest: 'kvm-unit-tests',
  kernel: 'kunit',
  ktap: 'ktap',
  unit: 'vmunit-unit',
};

const CHECK_STATUS: Readonly<Record<TestStatus, KcidbStatus>> = {
  SUCCESS: 'PASS',
  FAILURE: 'FAIL',
  SKIPPED: 'SKIP',
  NO_TESTS: 'SKIP',
  TEST_CRASHED: 'ERROR',
  FAILURE_TO_PARSE_TESTS: 'ERROR',
};

/** One path component: KCIDB allows `[a-zA-Z0-9_-]+`. */
export function pathComponent(name: string): string {
  const clean = name.replace(/[^a-zA-Z0-9_-]/g, '_');
  return clean === '' ? '_' : clean;
}

/** Unique components among siblings, in order. */
function siblingComponents(names: readonly string[]): string[] {
  const used = new Set<string>();
  // Where each base's search for a free suffix goes on: every `base-k` below it is taken, so searching from
  // 2 again would make 20,000 unnamed crashed tests (a cut-off plan) cost 200 million lookups.
  const next = new Map<string, number>();
  return names.map((name) => {
    const base = pathComponent(name);
    let c = base;
    let n = next.get(base) ?? 2;
    while (used.has(c)) c = `${base}-${n++}`;
    next.set(base, n);
    used.add(c);
    return c;
  });
}

const noNul = (s: string): string => s.replace(/\0/g, '');

/** Keeps the end of a long excerpt: a failure's cause is usually last. */
function excerpt(lines: readonly string[]): string | undefined {
  const text = noNul(lines.join('\n'));
  if (text === '') return undefined;
  return text.length <= EXCERPT_MAX ? text : text.slice(text.length - EXCERPT_MAX);
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

function environment(run: RunMeta): KcidbTest['environment'] {
  const misc: Record<string, string | number> = {};
  if (run.accel !== undefined) misc.accel = run.accel;
  if (run.accelReason !== undefined) misc.accel_reason = run.accelReason;
  if (run.qemu !== undefined) {
    misc.qemu_version = run.qemu.version;
    misc.qemu_path = run.qemu.path;
  }
  if (run.host !== undefined) {
    misc.host = run.host.hostname;
    misc.host_kernel = run.host.kernelRelease;
    misc.host_cpus = run.host.cpus;
  }
  if (run.maxSmp !== undefined) misc.max_smp = run.maxSmp;
  if (run.shard !== undefined) misc.shard = `${run.shard.index}/${run.shard.total}`;
  return Object.keys(misc).length === 0 ? undefined : { misc };
}

interface Ctx {
  readonly origin: string;
  readonly buildId: string;
  readonly runKey: string;
  readonly env: KcidbTest['environment'];
  readonly logUrlBase: string | undefined;
}

function testObject(ctx: Ctx, path: string, status: KcidbStatus): KcidbTest {
  return {
    id: `${ctx.origin}:${ctx.runKey}:${path}`,
    build_id: ctx.buildId,
    origin: ctx.origin,
    path,
    status,
    ...(ctx.env === undefined ? {} : { environment: ctx.env }),
  };
}

function checkObjects(ctx: Ctx, parent: string, checks: readonly RecordCheck[]): KcidbTest[] {
  const parts = siblingComponents(checks.map((c) => c.name));
  return checks.flatMap((c, i) => {
    const path = `${parent}.${parts[i]}`;
    const o = testObject(ctx, path, CHECK_STATUS[c.status]);
    if (c.durationMs !== undefined) o.duration = c.durationMs / 1000;
    const text = excerpt([...(c.reason === undefined ? [] : [c.reason]), ...(c.log ?? [])]);
    if (text !== undefined) o.log_excerpt = text;
    if (c.name !== parts[i]) o.comment = noNul(c.name);
    return [o, ...checkObjects(ctx, path, c.checks ?? [])];
  });
}

function testObjects(ctx: Ctx, t: RecordTest, path: string): KcidbTest[] {
  const o = testObject(ctx, path, t.verdict);
  if (t.startTime !== undefined) o.start_time = t.startTime;
  if (t.durationMs !== undefined) o.duration = t.durationMs / 1000;
  if (t.log !== undefined && ctx.logUrlBase !== undefined) {
    o.log_url = `${ctx.logUrlBase.replace(/\/+$/, '')}/${t.log.split('/').map(encodeURIComponent).join('/')}`;
  } else {
    const text = excerpt([...(t.reason === undefined ? [] : [t.reason]), ...(t.output ?? [])]);
    if (text !== undefined) o.log_excerpt = text;
  }
  o.comment = noNul(t.name);
  o.misc = { checks: t.counts.total, checks_failed: t.counts.failed };
  if (t.reason !== undefined) o.misc.reason = noNul(t.reason);
  return [o, ...checkObjects(ctx, path, t.checks)];
}

/** The KCIDB document for a record. */
export function recordToKcidb(record: RunRecord, options: KcidbOptions): KcidbDocument {
  const origin = checkOrigin(options.origin);
  const run = record.run;
  const head = run.tree?.head;
  const treeKey = head ?? shortHash(run.tree?.dir ?? run.name);
  const checkoutId = `${origin}:${treeKey}`;
  const arch = run.arch ?? 'unknown';
  const buildId = `${checkoutId}:${arch}`;
  const suite = SUITE[run.producer];
  const root = `${suite}.${pathComponent(arch)}`;
  const ctx: Ctx = {
    origin,
    buildId,
    runKey: `${treeKey}:${arch}:${run.startTime}`,
    env: environment(run),
    logUrlBase: options.logUrlBase,
  };
  const checkout: Record<string, unknown> = {
    id: checkoutId,
    origin,
    comment: noNul(run.tree?.dir ?? run.name),
  };
  if (head !== undefined && /^[0-9a-f]{40}$/.test(head)) checkout.git_commit_hash = head;
  else if (head !== undefined) checkout.git_commit_name = noNul(head);
  const build = {
    id: buildId,
    checkout_id: checkoutId,
    origin,
    architecture: arch.toLowerCase().replace(/[^a-z0-9_]/g, '_'),
    comment: noNul(`${suite} ${run.name}`),
    status: 'PASS',
    ...(run.kernelRelease === undefined ? {} : { config_name: noNul(run.kernelRelease) }),
  };
  const parts = siblingComponents(record.tests.map((t) => t.name));
  const tests = record.tests.flatMap((t, i) => testObjects(ctx, t, `${root}.${parts[i]}`));
  tests.push(...rootObjects(ctx, record, root));
  return { version: { major: 5, minor: 3 }, checkouts: [checkout], builds: [build], tests };
}

/**
 * A run that failed where none of its tests says so (a log without KTAP, a parse problem outside every
 * test) is one test object at the suite's path, so that the submission does not read as a clean run.
 */
function rootObjects(ctx: Ctx, record: RunRecord, path: string): KcidbTest[] {
  return (record.roots ?? []).flatMap((r, i) => {
    const mine = record.tests.filter((t) => (t.root ?? 0) === i);
    if (!isFailingStatus(r.status) || mine.some((t) => t.verdict === 'FAIL' || t.verdict === 'ERROR'))
      return [];
    const o = testObject(
      ctx,
      (record.roots?.length ?? 0) > 1 ? `${path}.${i + 1}` : path,
      verdictOf(r.status),
    );
    o.comment = noNul(r.name);
    const issues = (r.node?.issues ?? []).map((issue) => issue.message);
    const text = excerpt([...(r.reason === undefined ? [] : [r.reason]), ...issues, ...(r.log ?? [])]);
    if (text !== undefined) o.log_excerpt = text;
    return [o];
  });
}

export interface KcidbReporterOptions extends KcidbOptions {
  readonly destination: NodeJS.WritableStream | string;
  /** Run facts the events do not carry (tree HEAD, QEMU, host), as the record writer gets them. */
  readonly meta?: RunMetaInput;
}

/** `--format kcidb` on a live run: folds the events into a record and writes the document at close. */
export function createKcidbReporter(opts: KcidbReporterOptions): Reporter {
  checkOrigin(opts.origin);
  const builder = new RecordBuilder(opts.meta);
  return {
    onEvent: (event) => builder.push(event),
    close: () =>
      writeDocument(opts.destination, `${JSON.stringify(recordToKcidb(builder.record(), opts), null, 2)}\n`),
  };
}
