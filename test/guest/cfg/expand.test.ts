import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { evalCondition, expandValues, expandWords, splitPlainWords } from '../../../src/guest/cfg/expand.js';
import { VmunitError } from '../../../src/util/errors.js';

const env = { PATH: process.env.PATH, MAX_SMP: '6' };
const scratch = mkdtempSync(join(tmpdir(), 'vmunit-expand-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('splitPlainWords (fast path, no bash)', () => {
  it('splits on blanks and removes simple quotes', () => {
    assert.deepEqual(splitPlainWords(`-cpu qemu64,+x2apic\t-m 256`), ['-cpu', 'qemu64,+x2apic', '-m', '256']);
    assert.deepEqual(splitPlainWords(`'cpuid'`), ['cpuid']);
    assert.deepEqual(splitPlainWords(`'setup smp=2 mem=256'`), ['setup smp=2 mem=256']);
    assert.deepEqual(splitPlainWords(`"ept_access*" x`), ['ept_access*', 'x']);
    assert.deepEqual(splitPlainWords(`a''b "" ''`), ['ab', '', '']);
    assert.deepEqual(splitPlainWords(''), []);
  });

  it('agrees with bash on every value it accepts', () => {
    const values = [
      `-cpu qemu64,+x2apic,+tsc-deadline`,
      `'setup smp=2 mem=256'`,
      `"ept_access*"`,
      `"-pause_filter_test -svm_unsupported_instruction_intercept_test"`,
      `a''b "" '' "x'y" 'x"y'`,
      ` \tlead  trail\t `,
      `-m 256 -machine pit=off,kernel-irqchip=split`,
      `"a b"c'd e'f`,
      `%^:@,+=-./`,
    ];
    for (const raw of values) {
      const fast = splitPlainWords(raw);
      assert.ok(fast !== undefined, raw);
      const out = spawnSync('bash', ['-c', 'eval "set -- $V"; printf "%s\\0" "$@"'], {
        env: { PATH: process.env.PATH, V: raw },
        encoding: 'utf8',
      });
      assert.deepEqual(fast, out.stdout.split('\0').slice(0, -1), raw);
    }
  });

  it('declines anything bash would treat specially', () => {
    for (const raw of [
      '$MAX_SMP',
      '"a $b"',
      '`date`',
      'a;b',
      'a # c',
      'x*',
      '~/x',
      'a{b,c}',
      'a\\ b',
      '"unterminated',
      'a\nb',
      '"a\\"b"',
    ]) {
      assert.equal(splitPlainWords(raw), undefined, raw);
    }
  });
});

describe('expandWords (bash semantics)', () => {
  it('expands variables and arithmetic as run_tests.sh does for smp', async () => {
    assert.deepEqual(await expandWords('$MAX_SMP', env), ['6']);
    assert.deepEqual(await expandWords('$((($MAX_SMP < 8)?$MAX_SMP:8))', env), ['6']);
    assert.deepEqual(await expandWords('$((($MAX_SMP < 3)?$MAX_SMP:3))', env), ['3']);
  });

  it('runs command substitution and backticks', async () => {
    assert.deepEqual(await expandWords('"10000000 `echo 42`"', env), ['10000000 42']);
    assert.deepEqual(await expandWords('"date=$(echo 1 2)" `echo a b`', env), ['date=1 2', 'a', 'b']);
    const [word] = await expandWords('"get-time-of-day date=$(date +%s)"', env);
    assert.match(word ?? '', /^get-time-of-day date=\d{10,}$/);
  });

  it('honours quoting and escapes', async () => {
    assert.deepEqual(await expandWords(`'a b' "c d" e\\ f "g\\"h" '$MAX_SMP'`, env), [
      'a b',
      'c d',
      'e f',
      'g"h',
      '$MAX_SMP',
    ]);
  });

  it('globs relative to the given directory, as eval does in the tree', async () => {
    writeFileSync(join(scratch, 'one.flat'), '');
    writeFileSync(join(scratch, 'two.flat'), '');
    assert.deepEqual(await expandWords('*.flat', env, { cwd: scratch }), ['one.flat', 'two.flat']);
  });

  it('reports a shell syntax error with the value and position', async () => {
    await assert.rejects(expandWords('"abc', env, { position: { file: 'u.cfg', line: 7 } }), (e: unknown) => {
      assert.ok(e instanceof VmunitError);
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.match(e.message, /^u\.cfg:7: shell syntax error in value "\\"abc"/);
      return true;
    });
  });

  it('does not pass the environment variables that make bash run other code', async () => {
    const hook = join(scratch, 'bash-env-hook');
    writeFileSync(hook, `touch ${join(scratch, 'hooked')}\n`);
    await expandWords('$MAX_SMP', { ...env, BASH_ENV: hook, ENV: hook });
    assert.equal(existsSync(join(scratch, 'hooked')), false);
  });
});

describe('expandValues: the eval command-line semantics', () => {
  it('expands several values in one call, keeping their words apart', async () => {
    const out = await expandValues(['$MAX_SMP', "'a b' c", '-cpu max'], env);
    assert.deepEqual(
      out.map((v) => v.words),
      [['6'], ['a b', 'c'], ['-cpu', 'max']],
    );
    assert.ok(out.every((v) => !v.swallowsRest));
  });

  it('a trailing # comment swallows the rest, as in run_tests.sh', async () => {
    const [v] = await expandValues(['"x y" # c', '-cpu max'], env);
    assert.deepEqual(v, { words: ['x y'], swallowsRest: true });
  });

  it('a # inside a word or quotes is not a comment', async () => {
    const [v] = await expandValues(['a#b "# c" $MAX_SMP'], env);
    assert.deepEqual(v, { words: ['a#b', '# c', '6'], swallowsRest: false });
  });

  it('an injected "; command" runs inside the eval and ends the VMM arguments, as in run_tests.sh', async () => {
    // run_tests.sh evals `… -append $test_args $opts`: `x; touch F` runs touch as its own command and
    // nothing after `;` reaches QEMU. The value cannot escape the eval: our script is constant and the
    // words it reports come from the `set --` before the `;` only.
    const marker = join(scratch, 'injected');
    // `touch` also creates the end-marker file, so run in the scratch dir, not the repo.
    const [v] = await expandValues([`x; touch ${marker}`], env, { cwd: scratch });
    assert.deepEqual(v, { words: ['x'], swallowsRest: true });
    assert.equal(existsSync(marker), true);
  });

  it("a value's own stdout cannot forge words", async () => {
    const [v] = await expandValues(["a; printf 'evil\\0'"], env);
    assert.deepEqual(v?.words, ['a']);
  });

  it('a newline ends the command, like an unescaped line of a multi-line value', async () => {
    const [v] = await expandValues(['-m 256 \\\n-smp 2\n-cpu max'], env);
    assert.deepEqual(v, { words: ['-m', '256', '-smp', '2'], swallowsRest: true });
  });

  it('takes the fast path without spawning bash when nothing needs it', async () => {
    const out = await expandValues(['2', "'cpuid'", '-cpu max'], env, { bash: '/nonexistent/bash' });
    assert.deepEqual(
      out.map((v) => v.words),
      [['2'], ['cpuid'], ['-cpu', 'max']],
    );
  });

  it('fails with SPAWN_FAILED when bash is needed but missing', async () => {
    await assert.rejects(expandValues(['$X'], env, { bash: '/nonexistent/bash' }), { code: 'SPAWN_FAILED' });
  });
});

describe('evalCondition (disabled_if)', () => {
  it('sees the harness variables', async () => {
    assert.equal(await evalCondition('[[ "$TARGET" != qemu ]]', { ...env, TARGET: 'qemu' }), false);
    assert.equal(await evalCondition('[[ "$TARGET" != qemu ]]', { ...env, TARGET: 'kvmtool' }), true);
    assert.equal(await evalCondition('[[ "$TARGET" != qemu ]]', env), true, 'unset TARGET (x86) is != qemu');
    const both = '[[ "$TARGET" != qemu ]] && [[ "$CONFIG_EFI" = y ]]';
    assert.equal(await evalCondition(both, { ...env, TARGET: 'kvmtool', CONFIG_EFI: 'y' }), true);
    assert.equal(await evalCondition(both, { ...env, TARGET: 'kvmtool', CONFIG_EFI: '' }), false);
  });

  it('is false for a failing or malformed condition, as `(eval …)` is', async () => {
    assert.equal(await evalCondition('false', env), false);
    assert.equal(await evalCondition('[[ unterminated', env), false);
    assert.equal(await evalCondition('true', env), true);
  });

  it('runs in a subshell: it cannot change later evaluations', async () => {
    assert.equal(await evalCondition('MAX_SMP=1; exit 0', env), true);
    assert.deepEqual(await expandWords('$MAX_SMP', env), ['6']);
  });
});
