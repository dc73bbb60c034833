/**
 * The ready-made pipelines in docs/ci: yamllint-clean, and wired the way the shard contract needs (every
 * shard index 1..N reaches vmunit, the merge runs even when a shard failed and sees every shard's results).
 * The GitLab pipeline also runs for real in e2e/gitlab-ci-local.sh.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';

const CI = resolve(import.meta.dirname, '../../docs/ci');
const FILES = ['.gitlab-ci.yml', 'github-actions.yml', 'kubernetes-indexed-job.yaml'];
const required = (what: string): boolean => (process.env.VMUNIT_REQUIRE ?? '').split(',').includes(what);

/** Every YAML document of a docs/ci file, parsed by PyYAML (what the CI engines' parsers agree with). */
function load(file: string): Record<string, unknown>[] {
  const code = 'import sys, json, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))';
  const r = spawnSync('/usr/bin/python3', ['-c', code, resolve(CI, file)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>[];
}

const hasPyYaml = spawnSync('/usr/bin/python3', ['-c', 'import yaml']).status === 0;

describe('docs/ci pipelines', () => {
  it('pass yamllint', (t) => {
    const probe = spawnSync('yamllint', ['--version']);
    if (probe.error !== undefined && !required('yamllint')) {
      t.skip('yamllint not installed (apt-get install yamllint)');
      return;
    }
    const r = spawnSync(
      'yamllint',
      ['-s', '-c', resolve(CI, '.yamllint'), ...FILES.map((f) => resolve(CI, f))],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('GitLab: parallel: 4 test job with per-shard results, merge job always running with JUnit and KCIDB', (t) => {
    if (!hasPyYaml) return t.skip('python3 yaml (PyYAML) not installed');
    const [doc] = load('.gitlab-ci.yml') as [Record<string, Record<string, unknown>>];
    const test = doc['kvm-unit-tests'] as { parallel: number; script: string[]; artifacts: { when: string } };
    assert.equal(test.parallel, 4);
    assert.match(test.script.join('\n'), /--results "\$CI_PROJECT_DIR\/results\/shard-\$CI_NODE_INDEX"/);
    assert.equal(test.artifacts.when, 'always');
    const merge = doc.merge as { when: string; script: string[]; artifacts: { reports: { junit: string } } };
    assert.equal(merge.when, 'always');
    assert.match(
      merge.script.join('\n'),
      /merge results\/shard-\* .*--output junit:junit\.xml --output kcidb:kcidb\.json/,
    );
    assert.equal(merge.artifacts.reports.junit, 'results/merged/junit.xml');
  });

  it('GitHub Actions: the matrix covers shards 1..SHARDS and the merge runs after all of them', (t) => {
    if (!hasPyYaml) return t.skip('python3 yaml (PyYAML) not installed');
    const [wf] = load('github-actions.yml') as [
      {
        env: { SHARDS: number };
        jobs: { test: { strategy: unknown; steps: { run?: string }[] } } & Record<
          string,
          { needs?: string; if?: string; strategy?: unknown; steps: { run?: string }[] }
        >;
      },
    ];
    const matrix = (wf.jobs.test.strategy as { matrix: { shard: number[] } }).matrix.shard;
    assert.deepEqual(
      matrix,
      Array.from({ length: wf.env.SHARDS }, (_, i) => i + 1),
    );
    const run = wf.jobs.test?.steps.map((s) => s.run ?? '').join('\n') ?? '';
    assert.match(run, /--shard "\$\{\{ matrix\.shard \}\}\/\$SHARDS"/);
    assert.equal(wf.jobs.merge?.needs, 'test');
    assert.equal(wf.jobs.merge?.if, 'always()');
  });

  it('Kubernetes: an Indexed Job whose completions, parallelism and VMUNIT_SHARD_TOTAL agree, and a merge Job', (t) => {
    if (!hasPyYaml) return t.skip('python3 yaml (PyYAML) not installed');
    const [shards, merge] = load('kubernetes-indexed-job.yaml') as [
      {
        spec: Record<string, unknown> & {
          template: { spec: { containers: { env: { name: string; value: string }[]; args: string[] }[] } };
        };
      },
      {
        spec: {
          template: { spec: { initContainers: { args: string[] }[]; containers: { args: string[] }[] } };
        };
      },
    ];
    assert.equal(shards.spec.completionMode, 'Indexed');
    const container = shards.spec.template.spec.containers[0];
    const total = container?.env.find((e) => e.name === 'VMUNIT_SHARD_TOTAL')?.value;
    assert.equal(String(shards.spec.completions), total);
    assert.equal(String(shards.spec.parallelism), total);
    assert.match(container?.args.join(' ') ?? '', /--results "\/results\/shard-\$JOB_COMPLETION_INDEX"/);
    assert.match(
      merge.spec.template.spec.initContainers[0]?.args.join(' ') ?? '',
      new RegExp(`-lt ${total} \\]`),
    );
    assert.match(
      merge.spec.template.spec.containers[0]?.args.join(' ') ?? '',
      /vmunit merge \/results\/shard-\*/,
    );
  });
});
