import { execFileSync } from 'node:child_process';

/** Whether a test's real dependency is present, and what to do about it. */
export interface RealDependency {
  /** `node:test` options: `{ skip }` when missing outside CI; empty in CI, where the test must fail instead. */
  options: { skip?: string };
  /** Throws a clear error when the dependency is missing; call it first thing in the test. */
  assertPresent(): void;
}

/**
 * Describes a real dependency (podman, bash, busybox-static…). Outside CI a missing one skips the
 * tests that need it, with `what` as the reason; in CI (`CI=true`) they run and fail with that
 * message, since there a missing part must fail, never skip (test support only).
 */
export function realDependency(present: boolean, what: string): RealDependency {
  const message = `${what} is missing; install it with \`bash scripts/setup.sh --test\``;
  return {
    options: skipOutsideCi(present ? undefined : message),
    assertPresent: () => {
      if (!present) throw new Error(message);
    },
  };
}

/**
 * `node:test` options for tests whose real dependency may be missing (`reason` says why, undefined
 * when it is there): skip outside CI; in CI (`CI=true`) run, and fail, never skip.
 */
export function skipOutsideCi(reason: string | undefined): { skip?: string } {
  return reason !== undefined && process.env.CI !== 'true' ? { skip: reason } : {};
}

/** True when `command args…` runs and exits 0 within 30 s (test support only). */
export function commandWorks(command: string, args: readonly string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}
