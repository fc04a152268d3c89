import { GantryError } from './errors.ts';

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const MAX_SEGMENTS = 5;
const MAX_LENGTH = 200;
// `v2`: the image registry's API lives at /v2/ (docs/registry.md), which would shadow `/v2/….git`.
const RESERVED_FIRST_SEGMENTS = new Set([
  'api',
  'healthz',
  'readyz',
  'assets',
  'login',
  'logout',
  'static',
  'v2',
]);

/**
 * Checks a project path such as `group/app`: 1–5 slash-separated segments of letters, digits, `_`,
 * `.` and `-`, none starting with `.` or `-`, none ending in `.git` or `.atom`, and not shadowing a
 * server route. The path becomes part of URLs (`/group/app.git`), never of a file name on disk.
 * @throws GantryError('validation_failed') naming what was expected.
 */
export function validateProjectPath(path: string): string {
  const fail = (why: string): never => {
    throw new GantryError('validation_failed', `invalid project path "${path}": ${why}`, [
      { path: '/path', message: why },
    ]);
  };
  if (path.length === 0 || path.length > MAX_LENGTH) fail(`must be 1 to ${MAX_LENGTH} characters`);
  const segments = path.split('/');
  if (segments.length > MAX_SEGMENTS) fail(`at most ${MAX_SEGMENTS} segments separated by "/"`);
  for (const segment of segments) {
    if (!SEGMENT.test(segment)) {
      fail(
        'each segment must start with a letter, digit or "_" and contain only letters, digits, "_", "." or "-"',
      );
    }
    if (/\.(git|atom)$/i.test(segment)) fail('segments must not end in ".git" or ".atom"');
    if (segment.includes('..')) fail('segments must not contain ".."');
  }
  if (RESERVED_FIRST_SEGMENTS.has(segments[0]!.toLowerCase())) fail(`"${segments[0]}" is reserved`);
  return path;
}
