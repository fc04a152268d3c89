import type { ReactNode } from 'react';
import type { ApiState } from '../api/use-api.ts';
import { ErrorMessage } from './error-message.tsx';

/**
 * Renders `children` with the data of an API state, a loading line until the first answer, and
 * the error where the data would be. Data already shown stays while a refetch runs.
 */
export function Loaded<T>({ state, children }: { state: ApiState<T>; children: (data: T) => ReactNode }) {
  if (state.data !== undefined) {
    return (
      <>
        {state.error && <ErrorMessage error={state.error} />}
        {children(state.data)}
      </>
    );
  }
  if (state.error) return <ErrorMessage error={state.error} />;
  return (
    <p className="muted" aria-busy="true">
      Loading…
    </p>
  );
}
