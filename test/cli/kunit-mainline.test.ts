// Mainline kunit.py's flags through the real entry point (`node bin/vmunit.js`, built dist/): --summary and
// --failed on the 23 kunit_tool logs and a parent-failure log, against goldens made by running mainline
// kunit.py (test/fixtures/kunit-mainline/README.md); --list-cmds/--list-opts against mainline's output; the
// counting rule and the no-KTAP hint of the tree's kunit.py version.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { kunitPy } from '../requirements.js';

const REPO = join(import.meta.dirname, '..', '..');
const BIN = join(REPO, 'bin', 'vmunit.js');
const GOLD = join(REPO, 'test', 'fixtures', 'kunit-mainline');
const LOGS = join(REPO, 'test', 'fixtures', 'ktap');
const strip = (s: string) => s.replace(/^\[\d\d:\d\d:\d\d\] /gm, '');
const run = promisify(execFile);

async function vmunit(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH },
    });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: e.stdout ?? '', err: e.stderr ?? '' };
  }
}

function logPath(name: string): string {
  const own = join(GOLD, `${name}.log`);
  return readdirSync(GOLD).includes(`${name}.log`) ? own : join(LOGS, `${name}.log`);
}

function golden(name: string, mode: string): { text: string; rc: number } {
  return {
    text: readFileSync(join(GOLD, `${name}.${mode}.txt`), 'utf8'),
    rc: Number(readFileSync(join(GOLD, `${name}.${mode}.rc`), 'utf8').trim()),
  };
}

/** Runs `jobs` with at most `n` at once (each spawns a node process). */
async function limited<T>(jobs: (() => Promise<T>)[], n: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < jobs.length; i = next++) results[i] = await (jobs[i] as () => Promise<T>)();
  };
  await Promise.all(Array.from({ length: n }, worker));
  return results;
}

const names = readdirSync(GOLD)
  .filter((f) => f.endsWith('.summary.txt'))
  .map((f) => f.slice(0, -'.summary.txt'.length))
  .sort();

describe('vmunit parse --summary/--failed against mainline kunit.py', () => {
  it('has goldens for the 23 kunit_tool logs and the parent-failure log', () => {
    assert.equal(names.length, 24);
  });
  for (const mode of ['summary', 'failed'] as const) {
    it(`--${mode}: same stdout and exit status as mainline kunit.py on every log, nothing on stderr`, async () => {
      const results = await limited(
        names.map((name) => async () => ({ name, ...(await vmunit(['parse', `--${mode}`, logPath(name)])) })),
        4,
      );
      for (const r of results) {
        const want = golden(r.name, mode);
        assert.equal(strip(r.out), want.text, `${r.name} --${mode}`);
        assert.equal(r.code, want.rc, `${r.name} --${mode} exit status`);
        assert.equal(r.err, '', `${r.name} --${mode} stderr`);
      }
    });
  }
  it('--summary prints only "Testing complete." lines; --failed no passing test', async () => {
    const summary = await vmunit(['parse', '--summary', logPath('test_is_test_passed-failure')]);
    assert.deepEqual(strip(summary.out).trimEnd().split('\n'), [
      'Testing complete. Ran 10 tests: passed: 9, failed: 1',
    ]);
    const failed = await vmunit(['parse', '--failed', logPath('test_is_test_passed-failure')]);
    assert.doesNotMatch(failed.out, /\[PASSED\]/);
    assert.match(failed.out, /\[FAILED\] example_simple_test/);
  });
  it('kunit run|exec|parse and vmunit parse take both flags', async () => {
    for (const args of [['parse'], ['kunit', 'parse'], ['kunit', 'exec'], ['kunit', 'run']]) {
      const help = await vmunit([...args, '--help']);
      assert.match(help.out, /--summary/, args.join(' '));
      assert.match(help.out, /--failed/, args.join(' '));
    }
  });
  it('| head -1 leaves no stack trace', () => {
    const r = spawnSync(
      'bash',
      [
        '-c',
        `"${process.execPath}" "${BIN}" parse --failed "$1" | head -1`,
        'sh',
        logPath('test_kernel_panic_interrupt'),
      ],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^\[\d\d:\d\d:\d\d\] =+\n$/);
  });
});

describe("the tree's kunit.py version decides counting and wording", () => {
  const trees = mkdtempSync(join(tmpdir(), 'vmunit-kunit-trees-'));
  // vmunit reads each rule from the tree's kunit_parser.py: these stand-ins hold only the lines it looks for.
  const tree = (name: string, mainline: boolean) => {
    const dir = join(trees, name, 'tools', 'testing', 'kunit');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'kunit.py'), '');
    const parser = mainline
      ? [
          'if status == TestStatus.FAILURE and test.counts.get_status() == TestStatus.SUCCESS:',
          "'Try running with the --raw_output=all option to see any log messages.'",
          "f'{version_type} version higher than expected!'",
        ]
      : ["f'{version_type} version higer than expected!'"];
    writeFileSync(join(dir, 'kunit_parser.py'), `${parser.join('\n')}\n`);
    return join(trees, name);
  };
  const old = tree('linux-6.12', false);
  const newer = tree('linux-next', true);
  const log = logPath('parent-failure');

  it('a 6.12 tree: a not-ok parent whose subtests passed adds no failure (exit 0)', async () => {
    const r = await vmunit(['kunit', 'parse', '--kernel_root', old, log]);
    assert.equal(strip(r.out), readFileSync(join(GOLD, 'parent-failure.6.12.txt'), 'utf8'));
    assert.equal(r.code, 0);
  });
  it('a mainline tree, and no tree at all: one synthetic failure (exit 1)', async () => {
    for (const args of [
      ['kunit', 'parse', '--kernel_root', newer, log],
      ['parse', log],
    ]) {
      const r = await vmunit(args);
      assert.equal(strip(r.out), golden('parent-failure', 'plain').text, args.join(' '));
      assert.equal(r.code, 1);
    }
  });
  it('the JSON report counts as the console does', async () => {
    const json = join(trees, 'out.json');
    await vmunit(['kunit', 'parse', '--kernel_root', newer, `--json=${json}`, log]);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as { sub_groups: { name: string }[] };
    assert.deepEqual(
      doc.sub_groups.map((g) => g.name),
      ['suite_a', 'suite_b'],
    );
    const junit = join(trees, 'out.xml');
    await vmunit(['kunit', 'parse', '--kernel_root', old, `--junit=${junit}`, log]);
    assert.match(readFileSync(junit, 'utf8'), /<testsuite name="main" tests="3" failures="0"/);
    await vmunit(['kunit', 'parse', '--kernel_root', newer, `--junit=${junit}`, log]);
    assert.match(readFileSync(junit, 'utf8'), /<testsuite name="main" tests="4" failures="1"/);
  });
  it("a version error is worded as the tree's kunit.py words it", async () => {
    const v2 = join(trees, 'v2.log');
    writeFileSync(v2, 'KTAP version 2\n1..1\nok 1 a\n');
    assert.match((await vmunit(['kunit', 'parse', '--kernel_root', old, v2])).out, /KTAP version higer than/);
    assert.match(
      (await vmunit(['kunit', 'parse', '--kernel_root', newer, v2])).out,
      /KTAP version higher than/,
    );
    assert.match((await vmunit(['parse', v2])).out, /KTAP version higher than/);
  });
  it('no KTAP: one error line in a 6.12 tree, two without a tree (mainline)', async () => {
    const noKtap = logPath('test_insufficient_memory');
    const in612 = await vmunit(['kunit', 'parse', '--kernel_root', old, noKtap]);
    assert.doesNotMatch(in612.out, /--raw_output=all/);
    const plain = await vmunit(['parse', noKtap]);
    assert.equal(strip(plain.out), golden('test_insufficient_memory', 'plain').text);
  });
  it('VMUNIT_KUNIT_RULES=6.12 applies 6.12 without a tree; an unknown name is a usage error (exit 2)', async () => {
    const env = (v: string) => ({ ...process.env, VMUNIT_KUNIT_RULES: v });
    const r612 = spawnSync(process.execPath, [BIN, 'parse', log], { env: env('6.12'), encoding: 'utf8' });
    assert.equal(strip(r612.stdout), readFileSync(join(GOLD, 'parent-failure.6.12.txt'), 'utf8'));
    assert.equal(r612.status, 0);
    const main = spawnSync(process.execPath, [BIN, 'parse', log], { env: env('mainline'), encoding: 'utf8' });
    assert.equal(main.status, 1);
    const bad = spawnSync(process.execPath, [BIN, 'parse', log], { env: env('5.0'), encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /VMUNIT_KUNIT_RULES=5\.0: unknown kunit\.py version \(known: 6\.12, mainline\)/);
  });
});

describe("KUNIT_PY's tree: vmunit reads the rules of that tree's kunit.py", { skip: kunitPy().skip }, () => {
  const py = kunitPy();
  const root = join(py.dir ?? '', '..', '..', '..');
  const dir = mkdtempSync(join(tmpdir(), 'vmunit-kunit-rules-'));
  const v2 = join(dir, 'v2.log');
  writeFileSync(v2, 'KTAP version 2\n1..1\nok 1 a\n');
  for (const log of [logPath('parent-failure'), logPath('test_insufficient_memory'), v2]) {
    it(log.replace(/.*\//, ''), async () => {
      const ref = spawnSync('python3', [py.path ?? '', 'parse', log], { encoding: 'utf8' });
      const r = await vmunit(['kunit', 'parse', '--kernel_root', root, log]);
      assert.equal(strip(r.out), strip(ref.stdout));
      assert.equal(r.code, ref.status);
    });
  }
});

describe('--list-cmds and --list-opts (kunit.py bash completion hooks)', () => {
  const want = new Map(
    readFileSync(join(GOLD, 'list-opts.txt'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => line.split(': ') as [string, string]),
  );
  const extras: Record<string, string> = {
    root: '',
    run: ' -j --parallel --shard --shard-total --durations --failed-from --format -o --output --origin --log-url --kernel_root',
    config: ' --kernel_root',
    build: ' --kernel_root',
    exec: ' -j --parallel --shard --shard-total --durations --failed-from --format -o --output --origin --log-url --kernel_root',
    parse: ' --format -o --output --origin --log-url --results --kernel_root',
  };
  it('--list-cmds prints mainline kunit.py subcommands', async () => {
    const r = await vmunit(['kunit', '--list-cmds']);
    assert.equal(r.out, readFileSync(join(GOLD, 'list-cmds.txt'), 'utf8'));
    assert.equal(r.code, 0);
  });
  for (const [sub, line] of want) {
    it(`${sub} --list-opts: mainline's list, then vmunit's own options`, async () => {
      const r = await vmunit(['kunit', ...(sub === 'root' ? [] : [sub]), '--list-opts']);
      assert.equal(r.out, `${line}${extras[sub]}\n`);
      assert.equal(r.err, '');
      assert.equal(r.code, 0);
    });
  }
});
