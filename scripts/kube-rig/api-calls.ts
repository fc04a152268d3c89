import { ApiException, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

/** The field manager of every write the rig makes, so `managedFields` show what the rig owns. */
export const RIG_FIELD_MANAGER = 'gantry-kube-rig';

/**
 * Request options for generated `patch…` calls: their default body type is JSON Patch, so server-side
 * apply and merge patches must say so in the Content-Type.
 */
export const serverSideApply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** The HTTP status of a failed API call, or undefined when the request never got an answer. */
export function statusOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/** Runs an API call, treating 404 Not Found as done (the object is already gone). */
export async function ignoringNotFound(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
}

/**
 * Makes `report(what)` callbacks that log a failure as `<component>: <what>: <message>`, and stay silent
 * once `signal` has aborted: requests of a stopping rig fail by design.
 */
export function failureReporter(
  component: string,
  signal: AbortSignal,
  log: (message: string) => void,
): (what: string) => (error: unknown) => void {
  return (what) => (error) => {
    if (!signal.aborted)
      log(`${component}: ${what}: ${error instanceof Error ? error.message : String(error)}`);
  };
}
