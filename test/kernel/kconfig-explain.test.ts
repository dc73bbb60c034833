// Why an option went missing, on a Kconfig tree written for these tests (test/fixtures/kconfig-explain):
// one case per way kconfig drops or changes an option. Each case records the .config that the kernel's
// own `conf --olddefconfig` makes of the kunitconfig; with KCONFIG_CONF (a built scripts/kconfig/conf)
// the test runs conf itself and checks the recording, so the explanations are checked against kconfig.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatEntry, type KconfigEntry, parseKconfig } from '../../src/kernel/kconfig.js';
import { emptyFacts, type KconfigFacts, parseKconfigFile } from '../../src/kernel/kconfig-deps.js';

/** The facts of one file read on its own. */
function factsOf(text: string, file: string): KconfigFacts {
  const facts = emptyFacts();
  parseKconfigFile(text, file, facts);
  return facts;
}

import { evaluate, explainEntry, explainMissing, srcArch } from '../../src/kernel/kconfig-explain.js';
import { vmunitRun } from '../cli/cli-process.js';
import { distSkip, kconfigConf } from '../requirements.js';
import { fakeTree, removeTempDirs } from './helpers.js';

const TREE = fileURLToPath(new URL('../fixtures/kconfig-explain', import.meta.url));

interface Case {
  readonly arch: string;
  /** The kunitconfig (also conf's input); its last entry goes missing unless `missing` names another. */
  readonly kunitconfig: string;
  readonly missing?: string;
  /** The symbols conf's output sets (space-separated). */
  readonly config: string;
  readonly why: string;
}

const CASES: readonly Case[] = [
  {
    arch: 'um',
    kunitconfig: 'CONFIG_KASAN=y',
    config: 'CONFIG_UML=y CONFIG_EXPERT_ONLY=y',
    why: 'CONFIG_KASAN=y not set: depends on HAVE_ARCH_KASAN (HAVE_ARCH_KASAN not set for um)',
  },
  {
    arch: 'x86_64',
    kunitconfig: 'CONFIG_KUNIT=y\nCONFIG_TRI_TEST=m',
    config:
      'CONFIG_X86=y CONFIG_KUNIT=y CONFIG_HAVE_ARCH_KASAN=y CONFIG_TRI_TEST=y CONFIG_EXPERT_ONLY=y CONFIG_ALLOC_A=y',
    why: 'CONFIG_TRI_TEST=m not set: MODULES is not set, so kconfig builds a tristate option in (=y)',
  },
  {
    arch: 'x86_64',
    kunitconfig: 'CONFIG_MODULES=y\nCONFIG_KUNIT=m\nCONFIG_TRI_UNDER_M=y',
    config:
      'CONFIG_X86=y CONFIG_MODULES=y CONFIG_KUNIT=m CONFIG_HAVE_ARCH_KASAN=y CONFIG_TRI_UNDER_M=m CONFIG_EXPERT_ONLY=y CONFIG_ALLOC_A=y',
    why: 'CONFIG_TRI_UNDER_M=y not set: depends on KUNIT (KUNIT=m for x86_64), so it can be =m at most',
  },
  {
    arch: 'x86_64',
    kunitconfig: 'CONFIG_KUNIT=y\nCONFIG_BOOL_TEST=m',
    config: 'CONFIG_X86=y CONFIG_KUNIT=y CONFIG_HAVE_ARCH_KASAN=y CONFIG_EXPERT_ONLY=y CONFIG_ALLOC_A=y',
    why: 'CONFIG_BOOL_TEST=m not set: BOOL_TEST is a bool: it cannot be =m',
  },
  {
    arch: 'x86_64',
    kunitconfig: 'CONFIG_SELECTOR_TEST=y\n# CONFIG_SELECTED_HELPER is not set',
    config:
      'CONFIG_X86=y CONFIG_HAVE_ARCH_KASAN=y CONFIG_SELECTED_HELPER=y CONFIG_SELECTOR_TEST=y CONFIG_EXPERT_ONLY=y',
    why: '# CONFIG_SELECTED_HELPER is not set: not kept, it is =y: selected by SELECTOR_TEST=y (lib/Kconfig:38)',
  },
  {
    arch: 'x86_64',
    kunitconfig: 'CONFIG_KUNIT=y\nCONFIG_HIDDEN_HELPER=y',
    config: 'CONFIG_X86=y CONFIG_KUNIT=y CONFIG_HAVE_ARCH_KASAN=y CONFIG_EXPERT_ONLY=y CONFIG_ALLOC_A=y',
    why: 'CONFIG_HIDDEN_HELPER=y not set: it has no prompt: only a select sets it, from HIDDEN_USER (none in force for x86_64)',
  },
  {
    arch: 'x86_64',
    kunitconfig: '# CONFIG_EXPERT_ONLY is not set',
    config: 'CONFIG_X86=y CONFIG_HAVE_ARCH_KASAN=y CONFIG_EXPERT_ONLY=y',
    why:
      '# CONFIG_EXPERT_ONLY is not set: not kept, it is =y: its prompt is hidden, so its default (y) applies: ' +
      'its prompt needs EXPERT (EXPERT not set for x86_64)',
  },
  {
    arch: 'x86_64',
    kunitconfig: 'CONFIG_DEBUG_KNOB=y',
    config: 'CONFIG_X86=y CONFIG_HAVE_ARCH_KASAN=y CONFIG_EXPERT_ONLY=y',
    why: 'CONFIG_DEBUG_KNOB=y not set: its prompt needs EXPERT (EXPERT not set for x86_64)',
  },
  {
    arch: 'x86_64',
    kunitconfig: 'CONFIG_ALLOC_B=y',
    config: 'CONFIG_X86=y CONFIG_HAVE_ARCH_KASAN=y CONFIG_EXPERT_ONLY=y',
    why: 'CONFIG_ALLOC_B=y not set: depends on KUNIT (KUNIT not set for x86_64)',
  },
  {
    arch: 'x86_64',
    kunitconfig: 'CONFIG_KUNIT=y\nCONFIG_ALLOC_B=y\nCONFIG_ALLOC_A=y',
    missing: 'ALLOC_B',
    config: 'CONFIG_X86=y CONFIG_KUNIT=y CONFIG_HAVE_ARCH_KASAN=y CONFIG_EXPERT_ONLY=y CONFIG_ALLOC_A=y',
    why: 'CONFIG_ALLOC_B=y not set: a member of the choice at lib/Kconfig:66, where CONFIG_ALLOC_A=y is chosen',
  },
  {
    arch: 'x86_64',
    kunitconfig: 'CONFIG_KUNIT=y\nCONFIG_HW_PRESENT=y\nCONFIG_DRIVER_TEST=y',
    config:
      'CONFIG_X86=y CONFIG_KUNIT=y CONFIG_HAVE_ARCH_KASAN=y CONFIG_HW_PRESENT=y CONFIG_EXPERT_ONLY=y CONFIG_ALLOC_A=y',
    why: 'CONFIG_DRIVER_TEST=y not set: depends on MODULES || !KUNIT (MODULES not set; KUNIT=y for x86_64)',
  },
  {
    arch: 'x86_64',
    kunitconfig: 'CONFIG_KUNIT=y\nCONFIG_DRIVER_TEST=y',
    config: 'CONFIG_X86=y CONFIG_KUNIT=y CONFIG_HAVE_ARCH_KASAN=y CONFIG_EXPERT_ONLY=y CONFIG_ALLOC_A=y',
    why:
      'CONFIG_DRIVER_TEST=y not set: depends on HW_PRESENT (HW_PRESENT not set for x86_64); ' +
      'depends on MODULES || !KUNIT (MODULES not set; KUNIT=y for x86_64)',
  },
  {
    arch: 'x86_64',
    kunitconfig: 'CONFIG_KUNIT=y\nCONFIG_KUNIT_ALL_TESTS=y\nCONFIG_LIST_TEST=m',
    config:
      'CONFIG_X86=y CONFIG_KUNIT=y CONFIG_HAVE_ARCH_KASAN=y CONFIG_EXPERT_ONLY=y CONFIG_ALLOC_A=y ' +
      'CONFIG_KUNIT_ALL_TESTS=y CONFIG_LIST_TEST=y',
    why:
      'CONFIG_LIST_TEST=m not set: its prompt needs !KUNIT_ALL_TESTS (KUNIT_ALL_TESTS=y for x86_64); ' +
      'and MODULES is not set, so kconfig builds a tristate option in (=y)',
  },
  {
    arch: 'x86_64',
    kunitconfig: 'CONFIG_SOURCED_TEST=y',
    config: 'CONFIG_X86=y CONFIG_HAVE_ARCH_KASAN=y CONFIG_EXPERT_ONLY=y',
    why: 'CONFIG_SOURCED_TEST=y not set: depends on HW_PRESENT (HW_PRESENT not set for x86_64)',
  },
  {
    arch: 'x86_64',
    kunitconfig: 'CONFIG_NO_SUCH=y',
    config: 'CONFIG_X86=y CONFIG_HAVE_ARCH_KASAN=y CONFIG_EXPERT_ONLY=y',
    why: 'CONFIG_NO_SUCH=y not set: no Kconfig file of this tree defines NO_SUCH',
  },
];

function missingEntry(c: Case): KconfigEntry {
  const entries = [...parseKconfig(c.kunitconfig)].map(([name, value]) => ({ name, value }));
  const entry = c.missing === undefined ? entries.at(-1) : entries.find((e) => e.name === c.missing);
  assert.ok(entry);
  return entry;
}

const generated = (c: Case) => parseKconfig(c.config.split(' ').join('\n'));

describe('explainMissing on the fixture tree', () => {
  for (const c of CASES) {
    it(c.why.replace(/:.*/, ` (${c.arch})`), async () => {
      const lines = await explainMissing([missingEntry(c)], generated(c), TREE, c.arch);
      assert.deepEqual(lines, [c.why]);
    });
  }
});

/** conf --olddefconfig on the fixture tree: the .config kconfig itself makes of a kunitconfig. */
function runConf(conf: string, arch: string, kunitconfig: string): ReadonlyMap<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'vmunit-conf-'));
  try {
    const out = join(dir, '.config');
    writeFileSync(out, `${kunitconfig}\n`);
    const env = { ...process.env, srctree: TREE, SRCARCH: srcArch(arch), KCONFIG_CONFIG: out };
    const r = spawnSync(conf, ['-s', '--olddefconfig', 'Kconfig'], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return parseKconfig(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("the recorded .config files are kconfig's own", () => {
  const conf = kconfigConf();
  for (const c of CASES) {
    it(`${c.kunitconfig.replace(/\n/g, ' ')} (${c.arch})`, { skip: conf.skip }, () => {
      const real = runConf(conf.path ?? '', c.arch, c.kunitconfig);
      const set = new Map([...real].filter(([, v]) => v !== 'n'));
      assert.deepEqual(set, generated(c));
      // The case is one: kconfig really dropped or changed the option.
      const wanted = missingEntry(c);
      assert.notEqual(real.get(wanted.name) ?? 'n', wanted.value, formatEntry(wanted));
    });
  }
});

describe('parseKconfigFile', () => {
  it('finds types, prompts and their conditions, inherited conditions, selects and choices', () => {
    const lib = 'lib/Kconfig';
    const facts = factsOf(readFileSync(join(TREE, lib), 'utf8'), lib);
    assert.deepEqual(facts.defs.get('TRI_TEST'), [
      {
        file: lib,
        line: 10,
        type: 'tristate',
        depends: ['KUNIT'],
        prompts: [['!NO_TRI_PROMPT']],
        choice: undefined,
      },
    ]);
    assert.deepEqual(facts.defs.get('DEBUG_KNOB')?.[0]?.prompts, [['EXPERT']]);
    assert.deepEqual(facts.defs.get('DRIVER_TEST')?.[0]?.depends, [
      'HW_PRESENT',
      'KUNIT',
      'MODULES || !KUNIT',
    ]);
    assert.deepEqual(facts.defs.get('HIDDEN_HELPER')?.[0]?.prompts, []);
    assert.deepEqual(facts.selects.get('HIDDEN_HELPER'), [
      { by: 'HIDDEN_USER', cond: undefined, file: lib, line: 48 },
    ]);
    assert.deepEqual(facts.choices.get('lib/Kconfig:66'), ['ALLOC_A', 'ALLOC_B']);
    assert.deepEqual(facts.defs.get('ALLOC_B')?.[0]?.depends, ['KUNIT']);
  });
  it('skips help texts and joins continuations', () => {
    const text =
      'config A\n\tbool "a"\n\tdepends on B && \\\n\t\t C\n\thelp\n\t  config NOT_ONE\n\t  depends on X\n\nconfig D\n\tdef_tristate y if A\n';
    const facts = factsOf(text, 'K');
    assert.deepEqual(facts.defs.get('A')?.[0]?.depends, ['B && C']);
    assert.equal(facts.defs.has('NOT_ONE'), false);
    assert.deepEqual(facts.defs.get('D')?.[0], {
      file: 'K',
      line: 9,
      type: 'tristate',
      depends: [],
      prompts: [],
      choice: undefined,
    });
  });
});

// mainline kconfig's `depends on X if Y` (the same as `depends on !(Y) || (X)`); 6.12's conf cannot parse
// it, so it is not in the fixture tree that conf reads.
describe('depends on X if Y', () => {
  const text =
    'config COND\n\tbool "cond"\n\tdepends on HW if STRICT\n\tselect HELPER if HW\nconfig HELPER\n\tbool "h"\n';
  const facts = factsOf(text, 'K');
  it('reads as !(Y) || (X), and `select … if` keeps its condition', () => {
    assert.deepEqual(facts.defs.get('COND')?.[0]?.depends, ['!(STRICT) || (HW)']);
    assert.deepEqual(facts.selects.get('HELPER'), [{ by: 'COND', cond: 'HW', file: 'K', line: 4 }]);
  });
  it('is unmet only when Y is set and X is not', () => {
    const entry = { name: 'COND', value: 'y' };
    assert.equal(
      explainEntry(entry, facts, parseKconfig('CONFIG_STRICT=y'), 'arm64'),
      'CONFIG_COND=y not set: depends on !(STRICT) || (HW) (HW not set; STRICT=y for arm64)',
    );
    assert.match(explainEntry(entry, facts, parseKconfig(''), 'arm64'), /vmunit found no unmet dependency/);
  });
  it('a select is in force only when its condition is', () => {
    const off = explainEntry(
      { name: 'HELPER', value: 'n' },
      facts,
      parseKconfig('CONFIG_COND=y\nCONFIG_HELPER=y'),
      'x',
    );
    assert.doesNotMatch(off, /selected by/);
    const on = explainEntry(
      { name: 'HELPER', value: 'n' },
      facts,
      parseKconfig('CONFIG_COND=y\nCONFIG_HW=y\nCONFIG_HELPER=y'),
      'x',
    );
    assert.match(on, /selected by COND=y \(K:4\)/);
  });
});

describe('evaluate', () => {
  const values = parseKconfig('CONFIG_A=y\nCONFIG_B=m\nCONFIG_S="x"');
  it("computes kconfig's tristate logic and blames what keeps it under the level asked", () => {
    const blame = new Set<string>();
    assert.equal(evaluate('A && B', values, 2, blame), 1);
    assert.deepEqual([...blame], ['B']);
    assert.equal(evaluate('!B', values), 1);
    assert.equal(evaluate('A && !(B || C)', values), 1);
    assert.equal(evaluate('S = "x" && B != y', values), 2);
    assert.equal(evaluate('C || m', values), 1);
    assert.equal(evaluate('$(cc-option,-x)', values), undefined);
    assert.equal(emptyFacts().defs.size, 0);
  });
});

describe('vmunit kunit config (spawned)', { skip: distSkip() }, () => {
  after(removeTempDirs);
  it("prints kunit.py's error, then why each option is missing, on stderr (exit 1)", async () => {
    const tree = await fakeTree();
    const r = await vmunitRun(['kunit', 'config', '--kconfig_add', 'CONFIG_FAKE_NEEDS_HARDWARE=y'], tree);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^Missing: CONFIG_FAKE_NEEDS_HARDWARE=y$/m);
    assert.match(
      r.stderr,
      /^CONFIG_FAKE_NEEDS_HARDWARE=y not set: depends on FAKE_HARDWARE_THAT_DOES_NOT_EXIST && !UML \(FAKE_HARDWARE_THAT_DOES_NOT_EXIST not set; UML=y for um\)$/m,
    );
    // Only this arch's definitions: arch/x86's one of the same symbol is not blamed under um.
    assert.doesNotMatch(r.stderr, /X86_ONLY_SYMBOL/);
    assert.doesNotMatch(r.stdout, /not set:/);
  });
});
