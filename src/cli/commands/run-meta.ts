/**
 * What `vmunit run` records about itself in the run record (the host comes from record/meta.ts): the tree
 * and its HEAD, MAX_SMP, -j, the accelerator a test without its own `accel` gets and why, and the QEMU binary with its
 * version (from the prober the run shares, so nothing is spawned twice). A QEMU that cannot be found is
 * left out here: the run itself reports it.
 */

import type { TreeConfig } from '../../guest/config-mak.js';
import { chooseAccel } from '../../guest/qemu/accel.js';
import type { GuestArchProfile } from '../../guest/qemu/arch/index.js';
import { type QemuProber, qemuArchFor, qemuCandidates } from '../../guest/qemu/probe.js';
import type { RunMetaInput } from '../../record/builder.js';

export interface RunMetaFacts {
  readonly tree: TreeConfig;
  readonly profile: GuestArchProfile;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly prober: QemuProber;
  readonly kvmDevice: boolean;
  readonly maxSmp: string;
  readonly jobs: number;
}

function accelReason(requested: string, kvmDevice: boolean): string {
  if (requested !== '') return `ACCEL=${requested}`;
  return kvmDevice ? '/dev/kvm opened' : '/dev/kvm not usable';
}

export async function guestRunMeta(f: RunMetaFacts): Promise<RunMetaInput> {
  const requested = f.env.ACCEL ?? '';
  const accel = chooseAccel({ requested, host: f.tree.host, profile: f.profile, kvmDevice: f.kvmDevice });
  const maxSmp = Number(f.maxSmp);
  let qemu: RunMetaInput['qemu'];
  if (accel.ok) {
    const arch = qemuArchFor(f.profile, accel.accel, f.tree.host, f.env.QEMU_ARCH);
    try {
      const bin = await f.prober.findBinary(qemuCandidates(f.env.QEMU, arch), f.env.PATH ?? '', f.tree.dir);
      qemu = { path: bin.path, version: bin.help.split('\n', 1)[0] ?? '' };
    } catch {
      qemu = undefined;
    }
  }
  return {
    producer: 'guest',
    name: f.tree.dir,
    arch: f.tree.arch,
    ...(accel.ok ? { accel: accel.accel, accelReason: accelReason(requested, f.kvmDevice) } : {}),
    ...(qemu === undefined ? {} : { qemu }),
    tree: { dir: f.tree.dir, ...(f.tree.buildHead === '' ? {} : { head: f.tree.buildHead }) },
    ...(Number.isInteger(maxSmp) ? { maxSmp } : {}),
    jobs: f.jobs,
  };
}
