/**
 * Accelerator choice (`set_qemu_accelerator` in scripts/arch-run.bash). An explicit `ACCEL=kvm` on a host
 * without KVM is refused with upstream's message; no ACCEL means KVM when it is usable for this guest arch,
 * else TCG. vmunit checks that /dev/kvm can actually be opened (upstream only checks that the device node
 * exists, so a permission problem became a QEMU start-up failure).
 */

import { closeSync, openSync } from 'node:fs';
import type { GuestArchProfile } from './arch/types.js';

export interface AccelRequest {
  /** ACCEL as requested for this test (env ACCEL, else cfg `accel`), `,props` included; '' = auto. */
  readonly requested: string;
  /** config.mak HOST. */
  readonly host: string;
  readonly profile: GuestArchProfile;
  /** /dev/kvm opens (see `kvmDeviceUsable`). */
  readonly kvmDevice: boolean;
}

export type AccelChoice =
  | { readonly ok: true; readonly accel: string; readonly props: string }
  | { readonly ok: false; readonly message: string };

/** `kvm_available`: the device works and the host can run this guest arch natively. */
export function kvmAvailable(req: Pick<AccelRequest, 'host' | 'profile' | 'kvmDevice'>): boolean {
  return req.kvmDevice && req.profile.kvmHosts.includes(req.host);
}

/** Splits `kvm,kernel_irqchip=on` into name and `,props`, then applies upstream's rules. */
export function chooseAccel(req: AccelRequest): AccelChoice {
  const comma = req.requested.indexOf(',');
  const name = comma < 0 ? req.requested : req.requested.slice(0, comma);
  const props = comma < 0 ? '' : req.requested.slice(comma);
  const kvm = kvmAvailable(req);
  if (name === 'kvm' && !kvm) return { ok: false, message: 'KVM is needed, but not available on this host' };
  // HVF exists only on macOS hosts, which vmunit does not target.
  if (name === 'hvf') return { ok: false, message: 'HVF is needed, but not available on this host' };
  if (name === '') return { ok: true, accel: kvm ? 'kvm' : 'tcg', props };
  return { ok: true, accel: name, props };
}

/** True when /dev/kvm (or `path`) opens read-write. */
export function kvmDeviceUsable(path = '/dev/kvm'): boolean {
  try {
    closeSync(openSync(path, 'r+'));
    return true;
  } catch {
    return false;
  }
}
