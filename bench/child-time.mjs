// How every bench times one child process: its wall time, and its CPU time (user + system) and peak RSS
// from wait4, which count the child and the descendants it waited for and nothing else. Node has no wait4,
// so a small Python parent runs the child. Not RUSAGE_CHILDREN of that parent: when python3 is a wrapper
// (pyenv's shim runs bash and pyenv first) it already holds ~0.2 s before the child starts.
import { spawnSync } from 'node:child_process';

const TIMER = `import json, os, sys, time
null = os.open(os.devnull, os.O_RDWR)
out = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644) if sys.argv[1] else null
t = time.perf_counter()
io = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, null, 2)]
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ, file_actions=io)
_, status, ru = os.wait4(pid, 0)
wall = (time.perf_counter() - t) * 1000
cpu = (ru.ru_utime + ru.ru_stime) * 1000
print(json.dumps({"wallMs": wall, "cpuMs": cpu, "rssKb": ru.ru_maxrss, "status": os.waitstatus_to_exitcode(status)}))
`;

/**
 * Runs argv to its end with stdin and stderr on /dev/null, stdout into `stdoutFile` (or /dev/null);
 * returns { wallMs, cpuMs, rssKb, status }.
 */
export function timeChild(argv, { stdoutFile = '', env = process.env } = {}) {
  const r = spawnSync('python3', ['-c', TIMER, stdoutFile, ...argv], { encoding: 'utf8', env });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`bench: the timer failed on ${argv.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/**
 * process.env without NODE_EXTRA_CA_CERTS: Node 20 parses those certificates at every start, before any
 * JavaScript (~45 ms of CPU on the build host), a cost of the host that users do not normally have.
 */
export function envWithoutCerts() {
  const { NODE_EXTRA_CA_CERTS: _, ...env } = process.env;
  return env;
}
