/**
 * Whether a test's VM has stopped for good, asked over QMP. A guest that KVM cannot run, that panicked
 * (pvpanic, s390x disabled wait) or that shut down under `-no-shutdown` leaves QEMU running with the VM
 * stopped, so upstream waits for `timeout(1)`. The watch reacts to QEMU's own events (STOP, SHUTDOWN,
 * GUEST_PANICKED) and asks `query-status` once after the handshake (a guest that died before the connection)
 * and once per such event: nothing is polled, so a test that runs normally pays for one connection (none
 * when it ends before the plain harness connects, launch.ts).
 *
 * Nothing is asked once QEMU is on its way out: QEMU 7.2 hangs in its exit for good when a QMP command is in
 * flight as its main loop ends. The client refuses to send after the events that announce the exit
 * (client.ts); the watch stops there, and acts on other events only after a short settle time, because a
 * panic's GUEST_PANICKED may come just before the SHUTDOWN that ends QEMU (asking then hung ~1 run in 3).
 */

import type { QmpClient, QmpEvent } from './client.js';

/** Run states a VM does not leave on its own, and how the FAIL reason says it. */
export const FINAL_RUN_STATES: ReadonlyMap<string, string> = new Map([
  ['internal-error', 'guest stopped: the accelerator could not go on (run state internal-error)'],
  ['guest-panicked', 'guest panicked'],
  ['shutdown', 'guest shut down and QEMU kept running'],
]);

/** The events after which the run state may have become final. */
const WATCHED = new Set(['STOP', 'SHUTDOWN', 'GUEST_PANICKED']);

/** Time for the SHUTDOWN that may follow another event (a panic's `poweroff` action) to arrive first. */
const SETTLE_MS = 100;
/** A reply slower than this means the monitor is not answering (the test then runs to its own end). */
const QUERY_MS = 5000;
/** Greeting and handshake: QEMU greets on its monitor before the guest runs. */
const HANDSHAKE_MS = 10_000;

/**
 * Whether QEMU's command line keeps a VM that shut down instead of exiting (`-no-shutdown`, `-action
 * shutdown=pause`; QEMU takes `--` for `-` too).
 */
export function keepsShutDownVm(argv: readonly string[]): boolean {
  return argv.some((arg, i) => {
    const option = arg.startsWith('--') ? arg.slice(1) : arg;
    if (option === '-no-shutdown') return true;
    return option === '-action' && (argv[i + 1] ?? '').split(',').includes('shutdown=pause');
  });
}

export interface StoppedGuest {
  /** The FAIL reason: `guest panicked`, `guest shut down and QEMU kept running: guest-reset`. */
  readonly reason: string;
  /** QEMU's `info registers` at that moment (undefined when the monitor did not answer). */
  readonly registers: string | undefined;
}

/** The reason for a final run state, with what QEMU's event said (`guest-reset`, a panic's action). */
export function stoppedReason(state: string, events: readonly QmpEvent[]): string | undefined {
  const base = FINAL_RUN_STATES.get(state);
  if (base === undefined) return undefined;
  const name = state === 'shutdown' ? 'SHUTDOWN' : state === 'guest-panicked' ? 'GUEST_PANICKED' : '';
  const data = events.findLast((e) => e.event === name)?.data;
  const detail = data?.reason ?? (data?.info as { type?: unknown } | undefined)?.type;
  return typeof detail === 'string' && detail !== '' ? `${base}: ${detail}` : base;
}

export class RunStateWatch {
  readonly #alive: () => boolean;
  readonly #onStopped: (stopped: StoppedGuest) => void;
  #closed = false;
  #fired = false;
  #settle: NodeJS.Timeout | undefined;

  /** `alive` says whether QEMU still runs; `onStopped` is called at most once. */
  constructor(alive: () => boolean, onStopped: (stopped: StoppedGuest) => void) {
    this.#alive = alive;
    this.#onStopped = onStopped;
  }

  /**
   * Watches over `qmp` (the test QEMU's monitor, which stays its caller's to close) in the background; a
   * monitor that never answers only means no early end.
   */
  start(qmp: QmpClient): void {
    if (!this.#closed) this.#run(qmp).catch(() => undefined);
  }

  /** Stops watching. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#settle);
  }

  async #run(qmp: QmpClient): Promise<void> {
    await qmp.negotiate({ timeoutMs: HANDSHAKE_MS });
    if (this.#closed || !this.#alive()) return;
    qmp.onEvent((e) => {
      if (!WATCHED.has(e.event) || this.#closed) return;
      if (qmp.exiting) {
        // QEMU is ending: its exit status says the rest.
        this.close();
        return;
      }
      clearTimeout(this.#settle);
      this.#settle = setTimeout(() => {
        if (this.#alive() && !this.#closed) this.#check(qmp).catch(() => undefined);
      }, SETTLE_MS);
    });
    await this.#check(qmp);
  }

  async #check(qmp: QmpClient): Promise<void> {
    const reply = (await qmp.execute('query-status', undefined, { timeoutMs: QUERY_MS })) as {
      status?: unknown;
    };
    const reason = typeof reply.status === 'string' ? stoppedReason(reply.status, qmp.events) : undefined;
    if (reason === undefined || this.#fired || this.#closed) return;
    this.#fired = true;
    const registers = await qmp
      .execute('human-monitor-command', { 'command-line': 'info registers' }, { timeoutMs: QUERY_MS })
      .then(
        (r) => (typeof r === 'string' ? r.replaceAll('\r\n', '\n').trim() : undefined),
        () => undefined,
      );
    this.#onStopped({ reason, registers });
  }
}
