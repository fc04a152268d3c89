import { useCallback, useState } from 'react';

/**
 * The values of a form as one object: `set('key')` gives the change handler of one field, `reset`
 * brings the initial values back after a successful submit.
 */
export function useFields<T extends object>(initial: T) {
  const [values, setValues] = useState(initial);
  const set =
    <K extends keyof T>(key: K) =>
    (value: T[K]) =>
      setValues((previous) => ({ ...previous, [key]: value }));
  const reset = useCallback(() => setValues(initial), [initial]);
  return { values, set, reset, setValues };
}
