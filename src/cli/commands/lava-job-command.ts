/**
 * What `vmunit lava-job` does once its flags are parsed (lava-job.ts registers the options and loads this
 * module in its action, so that `--help` reads no cfg or YAML code).
 */

import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { splitAccel } from '../../guest/env.js';
import { listTests, selectTest } from '../../guest/select.js';
import { readTreeSelection } from '../../guest/tree-select.js';
import { lavaJob, lavaName } from '../../scale/lava.js';
import { toYaml } from '../../scale/yaml.js';
import { writeAtomic, writeDocument } from '../../util/sink.js';
import type { CliContext } from '../context.js';
import { type SliceFlags, sliceList } from './shard-options.js';

export interface LavaFlags extends SliceFlags {
  readonly directory?: string;
  readonly group: string[];
  readonly all?: boolean;
  readonly deviceType: string;
  readonly artifacts?: string;
  readonly output?: string;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

export async function lavaJobCommand(
  tests: readonly string[],
  flags: LavaFlags,
  ctx: CliContext,
): Promise<number> {
  const dir = resolve(ctx.cwd, flags.directory ?? '.');
  const sel = await readTreeSelection({
    dir,
    env: ctx.env,
    tests,
    groups: flags.group,
    all: flags.all === true,
    onWarning: (m) => ctx.stderr.write(`vmunit: warning: ${m}\n`),
  });
  const full = listTests(sel.specs, flags.group).filter((n) => tests.length === 0 || tests.includes(n));
  const slice = await sliceList(full, flags, ctx);
  const wanted = new Set(slice.names);
  const { tree, profile } = sel;
  const artifacts = flags.artifacts ?? `file://${tree.dir}`;
  const jobs: { name: string; job: Record<string, unknown> }[] = [];
  for (const spec of sel.specs.filter((s) => wanted.has(s.name))) {
    const chosen = await selectTest(spec, sel.options, { treeDir: tree.dir });
    if (chosen.kind === 'skip') ctx.stderr.write(`# SKIP ${spec.name} (${chosen.reason})\n`);
    if (chosen.kind !== 'run') continue;
    const requested = splitAccel(chosen.test.accelRequested);
    const fallback = profile.kvmHosts.includes(tree.host) ? 'kvm' : 'tcg';
    const accel = requested.name === '' ? fallback : requested.name;
    const job = lavaJob({
      test: chosen.test,
      profile,
      platform: {
        accel,
        accelProps: requested.props,
        host: tree.host,
        targetCpu: tree.targetCpu,
        defaultCpu: tree.defaultQemuCpu,
        firmware: tree.firmware,
      },
      artifacts,
      deviceType: flags.deviceType,
      metadata: {
        'vmunit.tree': tree.dir,
        ...(slice.shard === undefined ? {} : { 'vmunit.shard': `${slice.shard.index}/${slice.shard.total}` }),
      },
    });
    jobs.push({ name: spec.name, job });
  }
  const out = flags.output === undefined ? undefined : resolve(ctx.cwd, flags.output);
  if (out !== undefined && (await isDirectory(out))) {
    for (const { name, job } of jobs) await writeAtomic(join(out, `${lavaName(name)}.yaml`), toYaml(job));
  } else {
    await writeDocument(out ?? ctx.stdout, jobs.map(({ job }) => `---\n${toYaml(job)}`).join(''));
  }
  ctx.stderr.write(`vmunit: ${jobs.length} LAVA jobs${out === undefined ? '' : ` in ${out}`}\n`);
  return 0;
}
