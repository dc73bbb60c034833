/**
 * Dead-guest detection. When KVM cannot go on (`KVM internal error. Suberror: N` on QEMU's stderr, then a
 * register dump ending with the `Code=` line), QEMU stops the VM (run state `internal-error`) and waits
 * forever: upstream sits until `timeout(1)` fires. This watcher recognises the message from QEMU's stderr
 * lines (a pure state machine), keeps the dump, and says when the test can be ended at once.
 */

/** Linux's KVM_INTERNAL_ERROR_* suberrors (include/uapi/linux/kvm.h), as words for the reason. */
const SUBERRORS: Readonly<Record<number, string>> = {
  1: 'emulation failure',
  2: 'simultaneous exception',
  3: 'event delivery failure',
  4: 'unexpected exit reason',
};

const INTERNAL_ERROR = /^KVM internal error\. Suberror: (\d+)/;
/** x86's cpu_dump_state ends with the code bytes; other arches end the dump without such a line. */
const DUMP_END = /^Code=/;
/** Lines after the message that are part of the dump (a second message cannot follow: the VM stopped). */
const MAX_DUMP_LINES = 200;

export interface DeadGuest {
  /** `KVM internal error: emulation failure`. */
  readonly reason: string;
  /** The message and the register dump, for the failure detail. */
  readonly dump: string;
  /** Where the death was seen: QEMU's stderr message, or the run state over QMP. */
  readonly via: 'stderr' | 'qmp';
}

export class DeadGuestWatcher {
  #dump: string[] | undefined;
  #suberror = 0;
  #complete = false;

  /** Feeds one stderr line; true when the dump just became complete (end the test now). */
  push(line: string): boolean {
    if (this.#dump === undefined) {
      const m = INTERNAL_ERROR.exec(line);
      if (m === null) return false;
      this.#suberror = Number(m[1]);
      this.#dump = [line];
      return false;
    }
    if (this.#complete) return false;
    this.#dump.push(line);
    if (DUMP_END.test(line) || this.#dump.length >= MAX_DUMP_LINES) this.#complete = true;
    return this.#complete;
  }

  /** True once the message was seen (the dump may still be arriving). */
  get seen(): boolean {
    return this.#dump !== undefined;
  }

  /** What was found, or undefined when the guest did not die. */
  result(): DeadGuest | undefined {
    if (this.#dump === undefined) return undefined;
    const what = SUBERRORS[this.#suberror] ?? `suberror ${this.#suberror}`;
    return { reason: `KVM internal error: ${what}`, dump: this.#dump.join('\n'), via: 'stderr' };
  }
}

/** After the message, wait this long for the rest of the dump before ending the test (arches without `Code=`). */
export const DUMP_SETTLE_MS = 300;
