import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RefUpdate } from './bare-repository.ts';

/** The environment variable naming the file the `post-receive` hook appends ref updates to. */
export const PUSH_REPORT_ENV = 'GANTRY_PUSH_REPORT';

// Git runs hooks directly (no shell), so the shebang matters. When no report file is asked for,
// the script still drains stdin so receive-pack never writes into a closed pipe.
const POST_RECEIVE = `#!/bin/sh
# Installed by Gantry: reports pushed ref updates ("<old> <new> <ref>" lines) to the server.
if [ -n "$${PUSH_REPORT_ENV}" ]; then
  exec cat >> "$${PUSH_REPORT_ENV}"
fi
exec cat > /dev/null
`;

/**
 * Writes Gantry's hooks into `hooksDir` (created when missing). Repositories do not point at it:
 * whoever runs `git http-backend` passes `core.hooksPath=<hooksDir>` per invocation, so a
 * repository copied or restored from backup carries no server paths. The file is replaced
 * atomically, so a push running during installation sees the old or the new hook, never half of one.
 */
export async function installHooks(hooksDir: string): Promise<void> {
  await mkdir(hooksDir, { recursive: true });
  const target = join(hooksDir, 'post-receive');
  const temporary = join(hooksDir, `.post-receive.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, POST_RECEIVE, { mode: 0o755 });
    // writeFile's mode is filtered by the umask; the hook must be executable regardless.
    await chmod(temporary, 0o755);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

const REPORT_LINE = /^([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) (refs\/[^\s]+)$/;

/**
 * Reads what the `post-receive` hook wrote: one `<old> <new> <ref>` line per updated ref, in the
 * order git reported them. Lines that do not have that shape (and lines whose old and new ids are
 * equal) are ignored, so a truncated or corrupted report can never produce a bogus update.
 */
export function parsePushReport(text: string): RefUpdate[] {
  const updates: RefUpdate[] = [];
  for (const line of text.split('\n')) {
    const match = REPORT_LINE.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (match === null) continue;
    const [, before, after, ref] = match;
    if (before === undefined || after === undefined || ref === undefined || before === after) continue;
    updates.push({ ref, before, after });
  }
  return updates;
}
