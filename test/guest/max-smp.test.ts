import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_FILE, parseMaxSmp, probeMaxSmp } from '../../src/guest/max-smp.js';
import { tcgPlatform } from './spec-helpers.js';

describe('--probe-maxsmp', () => {
  it('reads the last word of the SMP CPUs line', () => {
    assert.equal(
      parseMaxSmp(
        "qemu-system-x86_64: Invalid SMP CPUs 500. The max CPUs supported by machine 'pc-i440fx-7.2' is 255\n",
      ),
      255,
    );
    assert.equal(parseMaxSmp('qemu: maxcpus must be ... SMP CPUs (8)'), 8);
    assert.equal(parseMaxSmp("qemu: could not open kernel file '_NO_FILE_4Uhere_'"), undefined);
  });

  it('asks QEMU once with the non-existent kernel and lowers MAX_SMP with upstream notice', async () => {
    const seen: string[][] = [];
    const platform = tcgPlatform('x86_64');
    const r = await probeMaxSmp(platform, '500', async (file, args) => {
      seen.push([file, ...args]);
      return {
        stdout: '',
        stderr: 'x: Invalid SMP CPUs 500. The max CPUs supported by machine is 255\n',
        code: 1,
      };
    });
    assert.deepEqual(r, {
      maxSmp: '255',
      notice: 'Restricting MAX_SMP from (500) to the max supported (255)',
    });
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0]?.slice(-4), ['-kernel', NO_FILE, '-smp', '500']);
    const same = await probeMaxSmp(platform, '2', async () => ({
      stdout: '',
      stderr: 'could not open kernel',
      code: 1,
    }));
    assert.deepEqual(same, { maxSmp: '2', notice: undefined });
  });
});
