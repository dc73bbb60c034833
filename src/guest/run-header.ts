/**
 * The run header: one line on stderr before the first test says what the run will use, since on a nested
 * KVM host the accelerator alone makes a 20× difference. The same facts go into run:start's meta, under the
 * names of the run record's RunMeta (src/record/types.ts), dotted where RunMeta nests them.
 */

import type { RunMetaInput } from '../record/builder.js';
import type { GuestArchProfile } from './qemu/arch/types.js';

/** What the header reports. */
export interface RunHeaderFacts {
  readonly treeDir: string;
  readonly treeHead: string;
  readonly arch: string;
  readonly accel: string;
  /** Why that accelerator: `ACCEL=tcg`, `/dev/kvm opened`, `/dev/kvm not usable, fell back to TCG`. */
  readonly accelReason: string;
  readonly qemuPath: string;
  /** QEMU's version line (`QEMU emulator version 7.2.22 (Debian …)`). */
  readonly qemuVersion: string;
  readonly maxSmp: string;
  readonly jobs: number;
  readonly resultsDir: string | undefined;
  readonly kernelRelease: string;
  /** x86 `--firmware`: `seabios`, `auto (qboot PATH)`, … (absent on arches that keep their own). */
  readonly firmware?: string;
}

/** The accelerator's reason, from what chooseAccel was given. Pure. */
export function accelReason(
  requested: string,
  accel: string,
  kvmDevice: boolean,
  profile: GuestArchProfile,
  host: string,
): string {
  if (requested !== '') return `ACCEL=${requested}`;
  if (accel === 'kvm') return '/dev/kvm opened';
  if (!kvmDevice) return '/dev/kvm not usable, fell back to TCG';
  return `no KVM for ${profile.arch} guests on a ${host} host, TCG`;
}

/** `3.11.2` from QEMU's version line, or the line itself. */
function shortVersion(line: string): string {
  return /version (\S+)/.exec(line)?.[1] ?? line;
}

/** `vmunit: tree T (HEAD h), arch x86_64, accel tcg (ACCEL=tcg), qemu PATH 7.2.22, MAX_SMP 2, -j 2, results R`. */
export function formatRunHeader(f: RunHeaderFacts): string {
  const head = f.treeHead === '' ? '' : ` (HEAD ${f.treeHead})`;
  const results = f.resultsDir === undefined ? 'no results folder (dry run)' : `results ${f.resultsDir}`;
  const firmware = f.firmware === undefined ? '' : `, firmware ${f.firmware}`;
  return (
    `vmunit: tree ${f.treeDir}${head}, arch ${f.arch}, accel ${f.accel} (${f.accelReason}), ` +
    `qemu ${f.qemuPath} ${shortVersion(f.qemuVersion)}${firmware}, MAX_SMP ${f.maxSmp}, -j ${f.jobs}, ${results}`
  );
}

/** The facts as run:start meta, keyed as RunMeta's fields (`qemu.path` for RunMeta.qemu.path). */
export function headerMeta(f: RunHeaderFacts): Record<string, string> {
  return {
    arch: f.arch,
    accel: f.accel,
    accelReason: f.accelReason,
    'qemu.path': f.qemuPath,
    'qemu.version': f.qemuVersion,
    'tree.dir': f.treeDir,
    ...(f.treeHead === '' ? {} : { 'tree.head': f.treeHead }),
    kernelRelease: f.kernelRelease,
    maxSmp: f.maxSmp,
    jobs: String(f.jobs),
    ...(f.resultsDir === undefined ? {} : { resultsDir: f.resultsDir }),
    ...(f.firmware === undefined ? {} : { firmware: f.firmware }),
  };
}

/** The facts as the run record's metadata (RunMeta's own fields). */
export function headerRecordMeta(f: RunHeaderFacts): RunMetaInput {
  const maxSmp = Number(f.maxSmp);
  return {
    producer: 'guest',
    name: f.treeDir,
    arch: f.arch,
    accel: f.accel,
    accelReason: f.accelReason,
    ...(f.qemuPath === 'not found' ? {} : { qemu: { path: f.qemuPath, version: f.qemuVersion } }),
    tree: { dir: f.treeDir, ...(f.treeHead === '' ? {} : { head: f.treeHead }) },
    kernelRelease: f.kernelRelease,
    ...(Number.isInteger(maxSmp) ? { maxSmp } : {}),
    jobs: f.jobs,
    ...(f.firmware === undefined ? {} : { firmware: f.firmware }),
  };
}

/** Files that tell how /dev/kvm is provided, read by the caller (absent = ''). */
export interface KvmHostFacts {
  /** `/proc/modules`. */
  readonly modules: string;
  /** `/proc/cpuinfo`. */
  readonly cpuinfo: string;
}

/**
 * A warning when KVM is not the real thing: PVM (module kvm_pvm, a KVM built on paravirtualisation whose
 * instruction emulator is slow and incomplete) or KVM inside a guest (the `hypervisor` CPU flag). Pure.
 */
export function slowKvmNote(facts: KvmHostFacts): string | undefined {
  const why = /^kvm_pvm\s/m.test(facts.modules)
    ? 'is PVM (module kvm_pvm): guests run under an emulator that is slow and lacks some instructions'
    : /^flags\s*:.*\bhypervisor\b/m.test(facts.cpuinfo)
      ? 'is nested (this host is itself a guest): boots are slow'
      : undefined;
  return why === undefined
    ? undefined
    : `vmunit: note: /dev/kvm ${why}; ACCEL=tcg is often faster and gives the reference verdicts`;
}
