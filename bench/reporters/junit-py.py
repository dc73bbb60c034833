# Times kunit.py's JUnit stage on a KTAP file: parse once (kunit_parser), then get_junit_result N times.
# Usage: KUNIT_DIR=... JUNIT_DIR=... python3 junit-py.py <log> <repeats>
import os, sys, time
sys.path.insert(0, os.environ['JUNIT_DIR'])
sys.path.insert(0, os.environ['KUNIT_DIR'])
import kunit_parser, kunit_junit  # noqa: E402

kunit_parser.Test.skip_reason = ''
with open(sys.argv[1], encoding='utf-8', errors='backslashreplace') as f:
    lines = f.readlines()
out, sys.stdout = sys.stdout, open(os.devnull, 'w')
test = kunit_parser.parse_run_tests(lines)
sys.stdout = out
repeats = int(sys.argv[2])
start = time.perf_counter()
for _ in range(repeats):
    xml = kunit_junit.get_junit_result(test)
elapsed = (time.perf_counter() - start) / repeats
print(f'{elapsed * 1000:.3f} {len(xml)}')
