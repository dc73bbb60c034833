/**
 * The environment variables each command reads, with run_tests.sh's meanings (its `-h` text where it has
 * one), written once and appended to every command's `--help` by main.ts.
 */

import type { Command } from 'commander';

/** Every variable vmunit reads, and what it means. */
export const ENV_VARS = {
  QEMU: 'Path to QEMU binary for ARCH-run (default: qemu-system-$QEMU_ARCH, then qemu-kvm, on PATH)',
  QEMU_ARCH: "QEMU's name for the guest arch (default: the tree's ARCH_NAME)",
  ACCEL:
    "QEMU accelerator to use, e.g. 'kvm', 'hvf' or 'tcg', with ',prop=val' for extra arguments (default: kvm when /dev/kvm opens, else tcg)",
  MACHINE: "QEMU machine type (overrides the cfg's machine; entries for another machine are skipped)",
  TIMEOUT: "Timeout duration for the timeout(1) command (overrides the cfg's timeout; default 90s; 0 = none)",
  CHECK: "Overwrites the 'check' unit test parameter (see docs/unittests.txt)",
  MAX_SMP: 'Most vCPUs a test may ask for, as $MAX_SMP in the cfg (default: online CPUs)',
  VMUNIT_FIRMWARE:
    'x86 firmware when --firmware is not given: seabios (default, as run_tests.sh), qboot, auto, or a file',
  VMUNIT_CACHE_DIR:
    "Where QEMU's probe answers are kept between runs (default: $XDG_CACHE_HOME/vmunit or ~/.cache/vmunit)",
  KVM_UNIT_TESTS_ENV: "User environ file merged into the guest's -initrd environment",
  ERRATA_FORCE: "'y': every erratum is treated as fixed (what -a sets); ERRATA_<commit> sets one",
  TARGET: 'qemu (default) or kvmtool (arm, riscv; vmunit drives QEMU only)',
  EL2: '1/y/Y: arm guests run at EL2 (-machine virt,virtualization=on)',
  unittest_log_dir: 'Results folder (default: logs; --results wins)',
  unittest_run_queues: 'Tests run at once (default: 1; -j wins)',
  MAKE: 'make program that builds the new test (default: make)',
  VMUNIT_KUNIT_RULES:
    "Which kunit.py version's counting and wording apply without a kernel tree: mainline (default) or 6.12",
  KBUILD_OUTPUT: 'Kernel build output; the default --build_dir is $KBUILD_OUTPUT/.kunit (as kunit.py)',
  NO_COLOR: 'Set: no colours, even on a terminal',
  CI: 'Set: no live progress line on a terminal',
} as const satisfies Record<string, string>;

export type EnvVarName = keyof typeof ENV_VARS;

const GUEST_RUN: readonly EnvVarName[] = [
  'QEMU',
  'QEMU_ARCH',
  'ACCEL',
  'MACHINE',
  'TIMEOUT',
  'CHECK',
  'MAX_SMP',
];

/** Per command (space-separated path below `vmunit`): a heading and the variables, in help order. */
export const COMMAND_ENV: Readonly<
  Record<string, { readonly heading: string; readonly names: readonly EnvVarName[] }>
> = {
  run: {
    heading: 'Environment variables (as run_tests.sh)',
    names: [
      ...GUEST_RUN,
      'VMUNIT_FIRMWARE',
      'VMUNIT_CACHE_DIR',
      'KVM_UNIT_TESTS_ENV',
      'ERRATA_FORCE',
      'TARGET',
      'EL2',
      'unittest_log_dir',
      'unittest_run_queues',
      'NO_COLOR',
      'CI',
    ],
  },
  exec: {
    heading: 'Environment variables (as ARCH/run)',
    names: [
      'QEMU',
      'QEMU_ARCH',
      'ACCEL',
      'MACHINE',
      'TIMEOUT',
      'VMUNIT_FIRMWARE',
      'VMUNIT_CACHE_DIR',
      'KVM_UNIT_TESTS_ENV',
    ],
  },
  standalone: {
    heading: 'Environment variables (VMUNIT_FIRMWARE when writing; the others when a script runs)',
    names: ['VMUNIT_FIRMWARE', ...GUEST_RUN, 'KVM_UNIT_TESTS_ENV', 'TARGET'],
  },
  install: {
    heading: 'Environment variables the installed scripts read when run',
    names: [...GUEST_RUN, 'KVM_UNIT_TESTS_ENV', 'TARGET'],
  },
  new: {
    heading: 'Environment variables (the build, then vmunit run)',
    names: ['MAKE', ...GUEST_RUN, 'NO_COLOR'],
  },
  parse: { heading: 'Environment variables', names: ['VMUNIT_KUNIT_RULES', 'NO_COLOR'] },
  test: { heading: 'Environment variables', names: ['NO_COLOR'] },
  kunit: { heading: 'Environment variables (as kunit.py)', names: ['KBUILD_OUTPUT', 'NO_COLOR'] },
};

/** The help section for one command. Pure. */
export function envHelpText(heading: string, names: readonly EnvVarName[]): string {
  const width = Math.max(...names.map((n) => n.length));
  return `\n${heading}:\n${names.map((n) => `  ${n.padEnd(width)}  ${ENV_VARS[n]}`).join('\n')}\n`;
}

/**
 * Appends the environment section to each command of `program` and their subcommands. `path` names a
 * program that is itself a command (kunit's inner program): it gets the section too, and its subcommands
 * are looked up below it. A subcommand without an entry of its own takes its top command's.
 */
export function addEnvHelp(program: Command, path?: string): void {
  const visit = (command: Command, at: string): void => {
    const entry = COMMAND_ENV[at] ?? COMMAND_ENV[at.split(' ')[0] ?? ''];
    if (entry !== undefined) command.addHelpText('after', envHelpText(entry.heading, entry.names));
    for (const sub of command.commands) visit(sub, `${at} ${sub.name()}`);
  };
  if (path !== undefined) visit(program, path);
  else for (const command of program.commands) visit(command, command.name());
}
