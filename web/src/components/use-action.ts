import { useCallback, useState } from 'react';

/**
 * Runs something the user asked for (a submit, a button's request) and keeps what the page shows
 * meanwhile: `busy` while it runs, then the `error` it failed with, to show where the user acted.
 * `run` never rejects: it resolves to whether the action succeeded.
 */
export function useAction<A extends unknown[]>(action: (...args: A) => Promise<unknown>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async (...args: A): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      await action(...args);
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const clearError = useCallback(() => setError(undefined), []);
  return { run, busy, error, clearError };
}
