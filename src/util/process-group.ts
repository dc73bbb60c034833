/**
 * Child processes in their own process group, so that stopping one stops everything it started (QEMU's
 * helpers, UML's threads-as-processes, make's compilers): `kill()` on a child from `spawnGroup` signals the
 * whole group. A group also keeps the terminal's Ctrl-C away from the children, so the one cancellation
 * path (src/util/cancel.ts) decides how they stop and when the reports are closed.
 */

import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

/** Signals the group led by `pid`; false when there is no such group any more. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * `spawn` with `detached: true` (a new process group) whose `kill(signal)` signals the whole group. While
 * the leader runs, vmunit exiting first (process.exit, an uncaught error) SIGKILLs the group, which would
 * otherwise outlive it.
 */
export function spawnGroup(file: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = spawn(file, [...args], { ...options, detached: true });
  const own = child.kill.bind(child);
  child.kill = (signal?: NodeJS.Signals | number): boolean => {
    const name = typeof signal === 'string' ? signal : 'SIGTERM';
    return signalGroup(child.pid, name) || own(signal);
  };
  const onExit = (): void => {
    signalGroup(child.pid, 'SIGKILL');
  };
  process.once('exit', onExit);
  child.once('exit', () => process.off('exit', onExit));
  child.once('error', () => process.off('exit', onExit));
  return child;
}

/** The part of a child `terminate` needs. */
export interface Killable {
  kill(signal?: NodeJS.Signals): boolean;
}

/**
 * `timeout -k`'s escalation: SIGTERM now, SIGKILL after `graceMs` (sent even if the leader already exited,
 * since a helper in its group may not have). Returns the timer so a caller that saw the end can clear it.
 */
export function terminate(child: Killable, graceMs: number): NodeJS.Timeout {
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  timer.unref();
  return timer;
}
