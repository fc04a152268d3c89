// Loaded into every test file's process by scripts/test.ts (`--import`). A test file whose process is
// still alive long after its tests should have ended — an after hook waiting forever, a handle nobody
// closes — would otherwise hold the whole run until CI's time limit and end it with no clue. Past the
// deadline this prints what keeps the process alive and exits with a failure, so the run goes on and the
// report names the file.
//
// GANTRY_TEST_FILE_DEADLINE_SECONDS overrides the deadline (default 20 minutes; 0 turns it off).

/** The deadline when none is given: several times the slowest file's duration on these machines. */
const DEFAULT_DEADLINE_SECONDS = 20 * 60;

function deadlineSeconds(): number {
  const raw = process.env.GANTRY_TEST_FILE_DEADLINE_SECONDS;
  if (raw === undefined || raw === '') return DEFAULT_DEADLINE_SECONDS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new Error(`GANTRY_TEST_FILE_DEADLINE_SECONDS must be a number of seconds ≥ 0, got "${raw}"`);
  return seconds;
}

// Only the per-file processes: `node --test` itself (no NODE_TEST_CONTEXT) must wait for all of them.
const seconds = deadlineSeconds();
if (process.env.NODE_TEST_CONTEXT !== undefined && seconds > 0) {
  const file = process.argv[1] ?? '(unknown file)';
  setTimeout(() => {
    // Includes this timer itself (one Timeout).
    const resources = process.getActiveResourcesInfo();
    process.stderr.write(
      `test file deadline: ${file} still running after ${seconds} s; ` +
        `active resources: ${resources.join(', ')}; exiting with a failure\n`,
    );
    process.exit(70);
  }, seconds * 1000).unref();
}
