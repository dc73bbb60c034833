/**
 * arm64 and arm (`arm/run`, TARGET=qemu): mach-virt, status through chr-testdev (a virtio-console bound to
 * `-chardev testdev`, which turns the guest's `"%dq"` into QEMU's exit status). Under KVM the GIC follows
 * the host and the CPU is `host`; arm adds `highmem=off`.
 */

import type { GuestArchProfile } from './types.js';

const armRequirements: GuestArchProfile['requirements'] = [
  {
    list: 'machine',
    contains: 'ARM Virtual Machine',
    message: "{qemu} doesn't support mach-virt ('-machine virt'). Exiting.",
  },
  {
    list: 'device',
    contains: 'virtconsole',
    message: "{qemu} doesn't support virtio-console for chr-testdev. Exiting.",
  },
  { list: 'chardev', contains: 'testdev', message: "{qemu} doesn't support chr-testdev. Exiting." },
];

const armPieces: GuestArchProfile['pieces'] = [
  { args: ['-nodefaults', '-machine', '{machine}', '-accel', '{accel}', '-cpu', '{cpu}'], when: 'always' },
  {
    args: [
      '-device',
      'virtio-serial-device',
      '-device',
      'virtconsole,chardev=ctd',
      '-chardev',
      'testdev,id=ctd',
    ],
    when: 'chr-testdev',
  },
  { args: ['-device', 'pci-testdev'], when: 'pci-testdev' },
  { args: ['-display', 'none', '-serial', 'stdio'], when: 'always' },
];

export const arm64: GuestArchProfile = {
  arch: 'arm64',
  qemuArch: 'aarch64',
  kvmHosts: ['aarch64'],
  kvmUsesHostQemu: true,
  status: 'debug-exit',
  machine: 'virt',
  machineSuffixes: [{ text: ',gic-version=host', when: 'kvm' }],
  kvmCpu: 'host',
  requirements: armRequirements,
  pieces: armPieces,
  binarySuffix: '.flat',
};

export const arm: GuestArchProfile = {
  ...arm64,
  arch: 'arm',
  qemuArch: 'arm',
  kvmHosts: ['arm', 'aarch64'],
  machineSuffixes: [
    { text: ',gic-version=host', when: 'kvm' },
    { text: ',highmem=off', when: 'always' },
  ],
};
