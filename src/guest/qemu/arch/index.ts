/** The arch table: config.mak `ARCH` → profile. */

import { VmunitError } from '../../../util/errors.js';
import { arm, arm64 } from './arm.js';
import { ppc64, riscv64, s390x } from './others.js';
import type { ArchName, GuestArchProfile } from './types.js';
import { i386, x86_64 } from './x86.js';

export type { ArchName, GuestArchProfile } from './types.js';

/** Every supported arch, keyed by config.mak ARCH. */
export const ARCH_PROFILES: Readonly<Record<ArchName, GuestArchProfile>> = {
  x86_64,
  i386,
  arm64,
  arm,
  ppc64,
  s390x,
  riscv64,
};

/** The profile for a config.mak ARCH value; unknown arches are a configuration error. */
export function archProfile(arch: string): GuestArchProfile {
  if (Object.hasOwn(ARCH_PROFILES, arch)) return ARCH_PROFILES[arch as ArchName];
  throw new VmunitError(
    'CONFIG_INVALID',
    `unsupported ARCH '${arch}' (known: ${Object.keys(ARCH_PROFILES).join(', ')})`,
  );
}
