/*
 * Live-migration requests. The harness (kvm-unit-tests' scripts/arch-run.bash, or vmunit's
 * src/guest/migration.ts) recognises these exact console lines; after each one the guest waits for a key on
 * its console, which the harness sends once the guest runs on the destination QEMU.
 */
#include "vmunit.h"
#include "internal.h"

int getchar(void)
{
	return vmu_arch_getc();
}

/* Prints a request line and blocks until the harness answers with a key press. */
static void request(const char *line)
{
	printf("%s\n", line);
	(void)getchar();
}

void migrate(void)
{
	request("Now migrate the VM, then press a key to continue...");
	report_info("Migration complete");
}

void migrate_quiet(void)
{
	request("Now migrate the VM (quiet)");
}

void migrate_once(void)
{
	static bool done;

	if (!done) {
		done = true;
		migrate();
	}
}

void migrate_skip(void)
{
	static bool told;

	if (!told) {
		told = true;
		request("Skipped VM migration (quiet)");
	}
}

void migrate_begin_continuous(void)
{
	request("Begin continuous migration");
}

void migrate_end_continuous(void)
{
	/* A migration may land between two lines: the second copy lets the harness see at least one whole. */
	printf("End continuous migration\n");
	request("End continuous migration (quiet)");
}
