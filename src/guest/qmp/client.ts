/**
 * An in-house QMP client, replacing the `ncat -U` pipes kvm-unit-tests' arch-run.bash uses. It talks over
 * one end of a socket pair whose other end QEMU got at its start (instance.ts `qmpMonitorArgs`): nothing to
 * connect to, retry or clean up, and no path another user could reach. QEMU speaks one JSON object per
 * line: a greeting, then replies to commands (matched here by `id`) and asynchronous events. Every wait has
 * a deadline, and when QEMU goes away mid-conversation every pending wait fails at once with a typed
 * `QMP_CLOSED` error instead of hanging.
 *
 * Nothing is sent to a QEMU on its way out: QEMU 7.2 hangs in its exit for good when a QMP command is in
 * flight as its main loop ends (monitor_cleanup waits for the dispatcher). A QEMU that exits on shutdown
 * says so first with SHUTDOWN, or with GUEST_PANICKED whose action is `poweroff` (a SHUTDOWN follows), so
 * after either every command fails at once with `QMP_EXITING` instead of being written.
 */

import type { Socket } from 'node:net';
import { VmunitError } from '../../util/errors.js';

/** An asynchronous QMP event (`{"event": "GUEST_PANICKED", "data": …, "timestamp": …}`). */
export interface QmpEvent {
  readonly event: string;
  readonly data?: Record<string, unknown>;
}

export interface QmpWaitOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** QEMU answered a command with `{"error": {"class", "desc"}}`. */
export class QmpCommandError extends VmunitError {
  readonly errorClass: string;
  /** QEMU's own words, e.g. `Migration is disabled when using feature 'peer mode' in device 'ivshmem'`. */
  readonly desc: string;

  constructor(command: string, errorClass: string, desc: string) {
    super('QMP_FAILED', `QMP '${command}' failed: ${errorClass}: ${desc}`);
    this.errorClass = errorClass;
    this.desc = desc;
  }
}

interface Pending {
  readonly command: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

interface EventWaiter {
  readonly names: ReadonlySet<string>;
  readonly resolve: (event: QmpEvent) => void;
  readonly reject: (error: Error) => void;
}

type Message = {
  QMP?: unknown;
  id?: unknown;
  return?: unknown;
  error?: { class?: string; desc?: string };
} & {
  event?: string;
  data?: Record<string, unknown>;
};

/** Rejects with QMP_TIMEOUT after `ms`, or with INTERRUPTED when `signal` fires. */
function deadline<T>(work: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new VmunitError('INTERRUPTED', `QMP: interrupted while waiting for ${what}`));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      reject(new VmunitError('QMP_TIMEOUT', `QMP: no ${what} within ${ms} ms`));
    }, ms);
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export class QmpClient {
  readonly #socket: Socket;
  readonly #name: string;
  readonly #pending = new Map<number, Pending>();
  readonly #waiters = new Set<EventWaiter>();
  readonly #listeners: ((event: QmpEvent) => void)[] = [];
  /** Every event received, in order (the caller may ask for one that already came). */
  readonly events: QmpEvent[] = [];
  readonly #greeted: Promise<void>;
  #greeting: { readonly resolve: () => void; readonly reject: (e: Error) => void } | undefined;
  #negotiated: Promise<void> | undefined;
  #nextId = 1;
  #buffer = '';
  #closed: VmunitError | undefined;
  readonly #exitsOnShutdown: boolean;
  #exiting = false;

  /**
   * Reads QEMU's monitor `socket` from now on (so the greeting waits in memory, not in the socket, and the
   * socket's end is seen when QEMU exits). `name` says which monitor in messages; `exitsOnShutdown` is
   * whether this QEMU exits when its VM shuts down (no `-no-shutdown`, run-state.ts `keepsShutDownVm`): then
   * nothing is sent once QEMU has said it is shutting down (`exiting`).
   */
  constructor(socket: Socket, name: string, exitsOnShutdown: boolean) {
    this.#socket = socket;
    this.#name = name;
    this.#exitsOnShutdown = exitsOnShutdown;
    this.#greeted = new Promise<void>((resolve, reject) => {
      this.#greeting = { resolve, reject };
    });
    // Nobody may ever wait for the greeting (a test that ends before its watch starts).
    this.#greeted.catch(() => undefined);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(undefined));
  }

  /**
   * Waits for QEMU's greeting and negotiates capabilities, each within the deadline, once: later calls
   * share the first one's outcome.
   */
  negotiate(options: QmpWaitOptions): Promise<void> {
    this.#negotiated ??= deadline(
      this.#greeted,
      options.timeoutMs,
      `QMP greeting on ${this.#name}`,
      options.signal,
    )
      .then(() => this.execute('qmp_capabilities', undefined, options))
      .then(() => undefined);
    return this.#negotiated;
  }

  /** Sends a command and resolves with its `return` value; QEMU's `error` becomes a QMP_FAILED error. */
  execute(
    command: string,
    args: Record<string, unknown> | undefined,
    options: QmpWaitOptions,
  ): Promise<unknown> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (this.#exiting) {
      return Promise.reject(
        new VmunitError('QMP_EXITING', `QMP: '${command}' not sent: QEMU is exiting after a shutdown`),
      );
    }
    const id = this.#nextId++;
    const reply = new Promise<unknown>((resolve, reject) => {
      this.#pending.set(id, { command, resolve, reject });
    });
    const message = { execute: command, ...(args ? { arguments: args } : {}), id };
    this.#socket.write(`${JSON.stringify(message)}\n`);
    return deadline(reply, options.timeoutMs, `reply to '${command}'`, options.signal).finally(() =>
      this.#pending.delete(id),
    );
  }

  /** Resolves with the first event named in `names` (one already received counts). */
  waitEvent(names: readonly string[], options: QmpWaitOptions): Promise<QmpEvent> {
    const wanted = new Set(names);
    const seen = this.events.find((e) => wanted.has(e.event));
    if (seen) return Promise.resolve(seen);
    if (this.#closed) return Promise.reject(this.#closed);
    let waiter: EventWaiter | undefined;
    const arrived = new Promise<QmpEvent>((resolve, reject) => {
      waiter = { names: wanted, resolve, reject };
      this.#waiters.add(waiter);
    });
    return deadline(arrived, options.timeoutMs, `event ${names.join('/')}`, options.signal).finally(() => {
      if (waiter) this.#waiters.delete(waiter);
    });
  }

  /** Calls `listen` with every event from now on (a watcher that reacts rather than waits). */
  onEvent(listen: (event: QmpEvent) => void): void {
    this.#listeners.push(listen);
  }

  /** True once QEMU has said it is shutting down and will exit: commands are no longer sent. */
  get exiting(): boolean {
    return this.#exiting;
  }

  /** True once the connection is gone (QEMU quit or died). */
  get closed(): boolean {
    return this.#closed !== undefined;
  }

  close(): void {
    this.#socket.destroy();
  }

  #onData(chunk: string): void {
    this.#buffer += chunk;
    let nl = this.#buffer.indexOf('\n');
    while (nl >= 0) {
      const line = this.#buffer.slice(0, nl).trim();
      this.#buffer = this.#buffer.slice(nl + 1);
      if (line !== '') this.#onMessage(line);
      nl = this.#buffer.indexOf('\n');
    }
  }

  #onMessage(line: string): void {
    let msg: Message;
    try {
      msg = JSON.parse(line) as Message;
    } catch (error) {
      this.#fail(
        new VmunitError('QMP_FAILED', `QMP: not JSON from ${this.#name}: ${line}`, { cause: error }),
      );
      return;
    }
    if (msg.QMP !== undefined) {
      this.#greeting?.resolve();
      this.#greeting = undefined;
    } else if (typeof msg.event === 'string') {
      const event: QmpEvent = { event: msg.event, ...(msg.data ? { data: msg.data } : {}) };
      // Before anyone hears of the event, so a listener's reaction cannot send into the exit.
      if (this.#exitsOnShutdown && endsQemu(event)) this.#exiting = true;
      this.events.push(event);
      for (const listen of this.#listeners) listen(event);
      for (const w of this.#waiters) if (w.names.has(event.event)) w.resolve(event);
    } else if (typeof msg.id === 'number') {
      const pending = this.#pending.get(msg.id);
      if (pending === undefined) return;
      if (msg.error) {
        const { class: errorClass = 'Error', desc = 'unknown error' } = msg.error;
        pending.reject(new QmpCommandError(pending.command, errorClass, desc));
      } else pending.resolve(msg.return);
    }
  }

  /** The connection ended: every pending reply and event wait fails now, naming what was outstanding. */
  #fail(cause: Error | undefined): void {
    if (this.#closed) return;
    const outstanding = [...this.#pending.values()].map((p) => `'${p.command}'`);
    const what = outstanding.length > 0 ? ` while waiting for ${outstanding.join(', ')}` : '';
    this.#closed = new VmunitError('QMP_CLOSED', `QMP: QEMU closed ${this.#name}${what}`, {
      ...(cause ? { cause } : {}),
    });
    this.#greeting?.reject(this.#closed);
    for (const p of this.#pending.values()) p.reject(this.#closed);
    for (const w of this.#waiters) w.reject(this.#closed);
    this.#pending.clear();
    this.#waiters.clear();
    this.#socket.destroy();
  }
}

/** Whether an event says that a QEMU which exits on shutdown is about to (a panic's poweroff, then SHUTDOWN). */
function endsQemu(event: QmpEvent): boolean {
  return (
    event.event === 'SHUTDOWN' || (event.event === 'GUEST_PANICKED' && event.data?.action === 'poweroff')
  );
}
