/**
 * x86_64 and i386 (`x86/run`): SeaBIOS + multiboot `-kernel`, status through isa-debug-exit at port 0xf4
 * (iosize 4), pc-testdev for the I/O test ports, optional pci-testdev for the vmexit benchmarks. The PIT's
 * lost-tick policy is set to discard so that KVM's re-injection mode does not inhibit (x2)AVIC.
 */

import type { GuestArchProfile } from './types.js';

const x86Pieces: GuestArchProfile['pieces'] = [
  { args: ['--no-reboot', '-nodefaults', '-global', 'kvm-pit.lost_tick_policy=discard'], when: 'always' },
  { args: ['-device', 'pc-testdev', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x4'], when: 'always' },
  { args: ['-display', 'none', '-serial', 'stdio'], when: 'always' },
  { args: ['-device', 'pci-testdev'], when: 'pci-testdev' },
  { args: ['-machine', 'accel={accel}'], when: 'always' },
  { args: ['-bios', '{bios}'], when: 'bios' },
];

const x86Requirements: GuestArchProfile['requirements'] = [
  { list: 'device', contains: '"pc-testdev"', message: 'No Qemu test device support found' },
];

export const x86_64: GuestArchProfile = {
  arch: 'x86_64',
  qemuArch: 'x86_64',
  kvmHosts: ['x86_64'],
  kvmUsesHostQemu: false,
  status: 'debug-exit',
  machine: '',
  machineSuffixes: [],
  kvmCpu: '',
  requirements: x86Requirements,
  pieces: x86Pieces,
  binarySuffix: '.flat',
  qboot: true,
};

export const i386: GuestArchProfile = {
  ...x86_64,
  arch: 'i386',
  qemuArch: 'i386',
  // kvm_available: HOST == ARCH_NAME, or an x86_64 host running i386.
  kvmHosts: ['i386', 'x86_64'],
};
