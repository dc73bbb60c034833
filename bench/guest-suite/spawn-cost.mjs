#!/usr/bin/env node
// What one Node `spawn` costs the parent on this host, and what that depends on: the parent's CPU time
// (process.cpuUsage: every thread) per spawn of /bin/true, waited for to its 'close', by variant. Each
// variant runs in a fresh process; rounds take turns (medians), so the variants share the host's load.
//
//   node bench/guest-suite/spawn-cost.mjs [SPAWNS_PER_ROUND] [ROUNDS]
//
// Variants: stdio (vmunit's: stdin ignored, stdout and stderr piped; all ignored; inherited), a new process
// group (`detached`, as vmunit's spawnGroup), environment size, open fds, and the parent's memory (a large
// JS heap, a large touched Buffer): fork copies the parent's page tables, so its resident size counts.
import { spawn, spawnSync } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const VARIANTS = {
  'pipes (vmunit)': {},
  'pipes + detached (vmunit)': { detached: true },
  'stdio ignored': { stdio: 'ignore' },
  'stdio inherited': { stdio: ['ignore', 'inherit', 'inherit'] },
  'env: 2000 more vars': { bigEnv: true },
  'env: PATH only': { smallEnv: true },
  '500 more open fds': { fds: 500 },
  'JS heap +~100 MB': { heapMb: 50 },
  'Buffer 200 MB touched': { bufferMb: 200 },
};

async function child(name, n) {
  const v = VARIANTS[name];
  const opts = { stdio: v.stdio ?? ['ignore', 'pipe', 'pipe'], ...(v.detached ? { detached: true } : {}) };
  if (v.bigEnv)
    opts.env = {
      ...process.env,
      ...Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`V${i}`, 'x'.repeat(50)])),
    };
  if (v.smallEnv) opts.env = { PATH: process.env.PATH };
  for (let i = 0; i < (v.fds ?? 0); i++) openSync('/dev/null', 'r');
  const keep = [];
  if (v.heapMb) keep.push(Array.from({ length: v.heapMb * 16384 }, (_, i) => ({ a: i, b: `s${i}` })));
  if (v.bufferMb) keep.push(Buffer.alloc(v.bufferMb << 20, 1));
  const one = () =>
    new Promise((resolve) => {
      const c = spawn('/bin/true', [], opts);
      c.stdout?.resume();
      c.stderr?.resume();
      c.on('close', resolve);
    });
  for (let i = 0; i < 5; i++) await one();
  const t = process.cpuUsage();
  for (let i = 0; i < n; i++) await one();
  const u = process.cpuUsage(t);
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) >> 10;
  console.log(JSON.stringify({ ms: (u.user + u.system) / 1000 / n, rss }));
  return keep.length;
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], Number(process.argv[4]));
} else {
  const n = Number(process.argv[2] ?? 40);
  const rounds = Number(process.argv[3] ?? 5);
  const samples = Object.fromEntries(Object.keys(VARIANTS).map((k) => [k, []]));
  const self = fileURLToPath(import.meta.url);
  for (let r = 0; r < rounds; r++) {
    for (const name of Object.keys(VARIANTS)) {
      const out = spawnSync(process.execPath, [self, '--child', name, String(n)], { encoding: 'utf8' });
      samples[name].push(JSON.parse(out.stdout));
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  console.log(
    `== spawn('/bin/true') CPU in the parent, ${n} spawns x ${rounds} rounds (medians); load average ${load}`,
  );
  for (const [name, s] of Object.entries(samples)) {
    const ms = median(s.map((x) => x.ms)).toFixed(2);
    console.log(
      `${name.padEnd(28)} ${ms.padStart(6)} ms per spawn   parent RSS ${median(s.map((x) => x.rss))} MB`,
    );
  }
}
