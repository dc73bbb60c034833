/**
 * ppc64 (`powerpc/run`, pseries + SLOF firmware), s390x (`s390x/run`, SCLP console) and riscv64
 * (`riscv/run`, virt + OpenSBI). All three report through a printed `EXIT: STATUS=<n>` line and power off,
 * so QEMU's own exit status only says "QEMU ended" (upstream `run_test_status`).
 */

import type { GuestArchProfile } from './types.js';

export const ppc64: GuestArchProfile = {
  arch: 'ppc64',
  qemuArch: 'ppc64',
  kvmHosts: ['ppc64'],
  kvmUsesHostQemu: false,
  status: 'exit-line',
  machine: 'pseries',
  // pseries (default) needs SLOF and capability tweaks; powernv (MACHINE=powernv…) needs an IPMI BMC.
  machineSuffixes: [
    {
      text: ',cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off',
      when: ['machine=pseries', 'tcg'],
    },
    { text: ',cap-ccf-assist=off', when: ['machine=pseries', 'kvm'] },
  ],
  kvmCpu: '',
  requirements: [
    { list: 'machine', contains: 'pseries', message: "{qemu} doesn't support '-machine pseries'. Exiting." },
  ],
  pieces: [
    { args: ['-nodefaults', '-accel', '{accel}', '-machine', '{machine}'], when: 'always' },
    { args: ['-bios', '{firmware}'], when: 'machine=pseries' },
    {
      args: ['-device', 'ipmi-bmc-sim,id=bmc0', '-device', 'isa-ipmi-bt,bmc=bmc0,irq=10'],
      when: 'machine=powernv',
    },
    { args: ['-display', 'none', '-serial', 'stdio'], when: 'always' },
  ],
  binarySuffix: '.elf',
};

export const s390x: GuestArchProfile = {
  arch: 's390x',
  qemuArch: 's390x',
  kvmHosts: ['s390x'],
  kvmUsesHostQemu: false,
  status: 'exit-line',
  machine: 's390-ccw-virtio',
  machineSuffixes: [],
  kvmCpu: '',
  requirements: [],
  pieces: [
    { args: ['-nodefaults', '-nographic', '-machine', '{machine},accel={accel}'], when: 'always' },
    { args: ['-chardev', 'stdio,id=con0', '-device', 'sclpconsole,chardev=con0'], when: 'always' },
  ],
  binarySuffix: '.elf',
};

export const riscv64: GuestArchProfile = {
  arch: 'riscv64',
  qemuArch: 'riscv64',
  kvmHosts: ['riscv64'],
  kvmUsesHostQemu: true,
  status: 'exit-line',
  machine: 'virt',
  machineSuffixes: [],
  kvmCpu: '',
  requirements: [
    {
      list: 'machine',
      contains: 'RISC-V VirtIO board',
      message: "{qemu} doesn't support mach-virt ('-machine virt'). Exiting.",
    },
  ],
  pieces: [
    { args: ['-nodefaults', '-nographic', '-serial', 'mon:stdio'], when: 'always' },
    { args: ['-machine', '{machine}', '-accel', '{accel}'], when: 'always' },
    { args: ['-bios', '{firmware}'], when: 'firmware' },
    { args: ['-cpu', '{cpu}'], when: 'always' },
  ],
  binarySuffix: '.flat',
};
