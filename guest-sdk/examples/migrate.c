/*
 * Asks the harness to live-migrate the guest twice, and checks that memory and the guest's counters survive
 * each move to a new QEMU. Needs a harness that migrates (cfg `groups = migration`): `vmunit run` does.
 *
 * EXPECT-STATUS: 1
 */
#include "vmunit.h"

#define PATTERN_WORDS 4096

static uint64_t pattern[PATTERN_WORDS];

static uint64_t word(int i, int round)
{
	return ((uint64_t)i * 0x9e3779b97f4a7c15ull) ^ (uint64_t)round;
}

static bool pattern_intact(int round)
{
	for (int i = 0; i < PATTERN_WORDS; i++)
		if (pattern[i] != word(i, round))
			return false;
	return true;
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (int round = 1; round <= 2; round++) {
		for (int i = 0; i < PATTERN_WORDS; i++)
			pattern[i] = word(i, round);
		/* The second request goes through migrate_once(), whose later calls must ask for nothing. */
		if (round == 1)
			migrate();
		else
			migrate_once();
		report(pattern_intact(round), "memory intact after migration %d", round);
	}
	migrate_once();
	report_pass("a second migrate_once() asks for nothing");
	return report_summary();
}
