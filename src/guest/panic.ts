/**
 * Panic tests (cfg `groups = panic`) as kvm-unit-tests' `run_panic` runs them: QEMU starts paused (`-S`)
 * with a QMP monitor so no event can be missed, vmunit negotiates QMP and sends `cont`, and the test passes
 * when QEMU emits `GUEST_PANICKED` (s390x's disabled-wait panics, x86's pvpanic device at port 0x505).
 * The console gets run_panic's `PASS: guest panicked` or `FAIL: guest did not panic`, and the status is
 * run_panic's: 1 (which run_test's fix-up turns into PASS when stderr is clean) or 3.
 */

import {
  type HarnessEnd,
  harnessStatus,
  QemuInstance,
  type QemuLaunch,
  QMP_REPLY_MS,
} from './qmp/instance.js';

/** Runs one panic test; never rejects. */
export async function runPanic(launch: QemuLaunch): Promise<HarnessEnd> {
  const started = performance.now();
  const qemu = new QemuInstance(
    launch,
    ['-S'],
    'panic-test',
    () => true,
    () => undefined,
  );
  let panicked = false;
  let why: string | undefined;
  try {
    const qmp = await qemu.qmp();
    // Subscribed before `cont`, so an immediate panic is not missed; QEMU ending first means "no panic".
    const panic = qmp.waitEvent(['GUEST_PANICKED'], { timeoutMs: 2 ** 31 - 1 }).then(
      () => true,
      () => false,
    );
    await qmp.execute('cont', undefined, { timeoutMs: QMP_REPLY_MS });
    panicked = await Promise.race([panic, qemu.end.then(() => panic)]);
    // QEMU's default panic action ends the VM; a guest kept alive (-action panic=pause) is ended here.
    if (panicked && !qemu.exited) await qemu.quit();
  } catch (error) {
    // A guest that ends at once may close QMP before `cont` is answered: that is a normal "no panic".
    const end = await Promise.race([qemu.end, new Promise((r) => setTimeout(r, 100, undefined))]);
    if (end === undefined) why = (error as Error).message;
  }
  await qemu.dispose();
  launch.onLine('stdout', panicked ? 'PASS: guest panicked' : 'FAIL: guest did not panic');
  // As run_panic: a QEMU that timed out without the event "did not panic" (3); it is not a timeout.
  return harnessStatus(
    panicked ? 1 : 3,
    started,
    launch.signal?.aborted ?? false,
    panicked ? undefined : why,
  );
}
