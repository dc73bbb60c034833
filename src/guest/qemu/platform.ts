/**
 * The one place a `QemuPlatform` is assembled: from a tree's config.mak facts, the chosen accelerator and
 * the QEMU binary found for it. `vmunit run`, `exec`, `--probe-maxsmp` and the standalone generator all
 * build their command lines from what this returns, so a new config.mak fact is added here once.
 */

import type { QemuTreeFacts } from '../config-mak.js';
import type { GuestArchProfile } from './arch/types.js';
import type { QemuPlatform } from './args.js';
import { type QemuInfo, type QemuProber, qemuArchFor, qemuCandidates } from './probe.js';

/** What a platform is built from besides the binary. */
export interface PlatformBase {
  readonly profile: GuestArchProfile;
  readonly tree: Pick<QemuTreeFacts, 'targetCpu' | 'defaultCpu' | 'firmware'>;
  /** config.mak HOST (the standalone generator writes one variant per KVM host). */
  readonly host: string;
  /** Accelerator name and its `,props` (chooseAccel's answer). */
  readonly accel: string;
  readonly accelProps: string;
  /** MACHINE ('' = the profile's default). */
  readonly machine: string;
}

/** The platform for a given binary. Pure (the standalone generator uses it with the binary left to run time). */
export function qemuPlatform(base: PlatformBase, qemu: string, hasPciTestdev: boolean): QemuPlatform {
  return {
    profile: base.profile,
    qemu,
    accel: base.accel,
    accelProps: base.accelProps,
    host: base.host,
    targetCpu: base.tree.targetCpu,
    defaultCpu: base.tree.defaultCpu,
    firmware: base.tree.firmware,
    machine: base.machine,
    hasPciTestdev,
  };
}

/** Where the QEMU binary is searched: `QEMU`, `QEMU_ARCH`, `PATH` and the directory relative names start in. */
export interface QemuSearch {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/**
 * search_qemu_binary then the binary's probes, for one accelerator: `qemuArchFor → findBinary → info`.
 * Cached by the prober, so calling it per test costs nothing after the first.
 * @throws VmunitError QEMU_NOT_FOUND with upstream's message.
 */
export async function findQemu(
  prober: QemuProber,
  profile: GuestArchProfile,
  host: string,
  accel: string,
  search: QemuSearch,
): Promise<QemuInfo> {
  const arch = qemuArchFor(profile, accel, host, search.env.QEMU_ARCH);
  const bin = await prober.findBinary(
    qemuCandidates(search.env.QEMU, arch),
    search.env.PATH ?? '',
    search.cwd,
  );
  return prober.info(bin.path, bin.help, profile);
}

/** `findQemu` and `qemuPlatform` together: the platform a test or a probe runs on, and the binary's facts. */
export async function resolvePlatform(
  prober: QemuProber,
  base: PlatformBase,
  search: QemuSearch,
): Promise<{ platform: QemuPlatform; info: QemuInfo }> {
  const info = await findQemu(prober, base.profile, base.host, base.accel, search);
  return { platform: qemuPlatform(base, info.path, info.hasPciTestdev), info };
}
