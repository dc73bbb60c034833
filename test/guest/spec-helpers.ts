/**
 * Shared builders for guest-runner unit tests: a unittests.cfg entry and a QEMU platform, with every
 * field at the value the parser or the run scripts give when nothing is set.
 */

import { parseUnittestsCfg } from '../../src/guest/cfg/parse.js';
import type { GuestTestSpec } from '../../src/guest/cfg/spec.js';
import { ARCH_PROFILES } from '../../src/guest/qemu/arch/index.js';
import type { ArchName } from '../../src/guest/qemu/arch/types.js';
import type { QemuPlatform } from '../../src/guest/qemu/args.js';

/**
 * An x86/unittests.cfg entry `[name]` with `file = <name>.flat` and no other key set, as the cfg parser
 * gives it (so the defaults cannot drift from parse.ts), then `over` applied.
 */
export function guestSpec(name: string, over: Partial<GuestTestSpec> = {}): GuestTestSpec {
  const [parsed] = parseUnittestsCfg(`[${name}]\nfile = ${name}.flat\n`, 'x86/unittests.cfg');
  if (parsed === undefined) throw new Error(`no cfg entry parsed for ${name}`);
  return { ...parsed, ...over };
}

/** `arch` under TCG on an x86_64 host, QEMU from /usr/bin, empty config.mak CPU/firmware, pci-testdev. */
export function tcgPlatform(arch: ArchName, over: Partial<QemuPlatform> = {}): QemuPlatform {
  return {
    profile: ARCH_PROFILES[arch],
    qemu: `/usr/bin/qemu-system-${ARCH_PROFILES[arch].qemuArch}`,
    accel: 'tcg',
    accelProps: '',
    host: 'x86_64',
    targetCpu: '',
    defaultCpu: '',
    firmware: '',
    machine: '',
    hasPciTestdev: true,
    ...over,
  };
}
