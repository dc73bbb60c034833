// The scan floor: what reading a log costs on this machine with no parser at all. Reads the file, splits
// it into lines and runs one result regex per line, counting matches; `node bench/parse/scan-floor.mjs LOG`.
import { createReadStream } from 'node:fs';

const RESULT = /(ok|not ok) ([0-9]+) /;
let pending = '';
let results = 0;
for await (const chunk of createReadStream(process.argv[2] ?? '', { encoding: 'utf8' })) {
  const lines = (pending + chunk).split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) if (RESULT.test(line)) results++;
}
if (RESULT.test(pending)) results++;
console.log(`${results} result lines`);
