// `npm run test:conformance`: vmunit parse against kunit.py's outputs on Linux 6.12's KUnit test logs. The data
// is not in this repository (GPL-2.0 kernel test data): it lives in the project's shared folder, at ../shared
// beside the clone, or wherever VMUNIT_CONFORMANCE_DIR points. Exit 2 with how to get it when it is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir =
  process.env.VMUNIT_CONFORMANCE_DIR || fileURLToPath(new URL('../../shared/conformance', import.meta.url));
const checker = `${dir}/check-kunit-parse.mjs`;
if (!existsSync(checker)) {
  console.error(
    `conformance: no ${checker}.\n` +
      "  The data is the project's shared folder (conformance/: kunit-parse/*.log with kunit.py's outputs and\n" +
      '  check-kunit-parse.mjs): put it at ../shared beside this clone, or set VMUNIT_CONFORMANCE_DIR to its\n' +
      '  conformance/ folder.',
  );
  process.exit(2);
}
const run = spawnSync(
  process.execPath,
  [checker, '--', process.execPath, 'bin/vmunit.js', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    // The goldens are Linux 6.12's kunit.py; without a tree vmunit would follow mainline's wording.
    env: { ...process.env, VMUNIT_KUNIT_RULES: '6.12' },
  },
);
process.exit(run.status ?? 1);
