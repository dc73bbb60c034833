// Where the time of one `--run_isolated` run went, kunit.py and vmunit side by side.
//   node breakdown.mjs <kunit.py stamps> <kunit.py start ms> <kunit.py end ms> <vmunit-isolated.json> <vmunit wall ms>
// kunit.py's side comes from its console lines as they arrived (stamp.mjs): the listing boot runs from its
// "Running tests with:" to "Starting KUnit Kernel (1/n)...", boot i from its "Starting" line to the next
// one (or to the summary). vmunit's side is the timeline it keeps in <build_dir>/vmunit-isolated.json.
import { readFileSync } from 'node:fs';

const [stampFile, refStart, refEnd, cacheFile, vmWall] = process.argv.slice(2);
if (!stampFile || !cacheFile) {
  console.error('usage: breakdown.mjs <stamps> <start ms> <end ms> <vmunit-isolated.json> <vmunit wall ms>');
  process.exit(2);
}
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;

function kunitPy() {
  const lines = readFileSync(stampFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const tab = l.indexOf('\t');
      return { t: Number(l.slice(0, tab)), text: l.slice(tab + 1).replace(/^\[\d\d:\d\d:\d\d\] /, '') };
    });
  const start = Number(refStart);
  const end = Number(refEnd);
  const listingAt = lines.find((l) => l.text === 'Running tests with:')?.t ?? start;
  const starts = lines
    .map((l, i) => ({ ...l, i }))
    .filter((l) => /^Starting KUnit Kernel \(\d+\/\d+\)\.\.\.$/.test(l.text));
  const last = lines.findLast((l) => l.text.startsWith('Elapsed time:'))?.t ?? end;
  const boots = starts.map((b, k) => {
    const cmd = lines.slice(b.i, b.i + 4).find((l) => l.text.startsWith('$ '))?.text ?? '';
    const glob = /kunit\.filter_glob=([^' ]+)/.exec(cmd)?.[1] ?? '?';
    return { glob, ms: (starts[k + 1]?.t ?? last) - b.t };
  });
  return {
    wall: end - start,
    before: listingAt - start,
    listing: (starts[0]?.t ?? last) - listingAt,
    boots,
    idle: 0,
    cancelled: 0,
    after: end - last,
  };
}

function vmunit() {
  const doc = JSON.parse(readFileSync(cacheFile, 'utf8'));
  const last = doc.last;
  const listing = last.boots.find((b) => b.glob === '(listing)');
  const all = last.boots.filter((b) => b.glob !== '(listing)');
  const busy = last.boots.reduce((sum, b) => sum + b.ms, 0);
  return {
    wall: Number(vmWall),
    before: Number(vmWall) - last.wallMs,
    listing: listing?.ms ?? 0,
    predicted: all.filter((b) => b.predicted && !b.cancelled).length,
    boots: all.filter((b) => !b.cancelled),
    idle: last.jobs * last.wallMs - busy,
    cancelled: all.filter((b) => b.cancelled).reduce((sum, b) => sum + b.ms, 0),
    after: 0,
    jobs: last.jobs,
  };
}

const ref = kunitPy();
const vm = vmunit();
const sum = (boots) => boots.reduce((total, b) => total + b.ms, 0);
const rows = [
  ['wall', s(ref.wall), s(vm.wall)],
  ['outside boots (tool start, reports)', s(ref.before + ref.after), s(vm.before)],
  ['listing boot', s(ref.listing), `${s(vm.listing)} (alongside ${vm.predicted} predicted boots)`],
  [
    `suite boots (sum, n)`,
    `${s(sum(ref.boots))}, ${ref.boots.length}`,
    `${s(sum(vm.boots))}, ${vm.boots.length}`,
  ],
  ['mean boot', s(sum(ref.boots) / (ref.boots.length || 1)), s(sum(vm.boots) / (vm.boots.length || 1))],
  [`idle slot time (${vm.jobs} slots)`, '-', s(vm.idle)],
  ['cancelled predicted boots', '-', s(vm.cancelled)],
];
const slow = (boots) => [...boots].sort((a, b) => b.ms - a.ms).slice(0, 5);
const refSlow = slow(ref.boots);
const vmSlow = slow(vm.boots);
for (let i = 0; i < 5; i++) {
  const r = refSlow[i];
  const v = vmSlow[i];
  rows.push([
    i === 0 ? 'slowest boots' : '',
    r ? `${r.glob} ${s(r.ms)}` : '',
    v ? `${v.glob} ${s(v.ms)}` : '',
  ]);
}
const width = Math.max(...rows.map((r) => r[0].length));
const width1 = Math.max(...rows.map((r) => r[1].length), 'kunit.py'.length);
console.log(`  ${''.padEnd(width)}  ${'kunit.py'.padEnd(width1)}  vmunit`);
for (const [a, b, c] of rows) console.log(`  ${a.padEnd(width)}  ${b.padEnd(width1)}  ${c}`);
