import type { FormEvent, ReactNode } from 'react';
import { ErrorMessage } from '../components/error-message.tsx';
import { useAction } from '../components/use-action.ts';

/**
 * A settings form in a card: its fields, the API's error where the user acted, and one submit
 * button that reads "…" while the request runs. `onSubmit` rejecting keeps what was typed.
 */
export function FormCard({
  title,
  submitLabel,
  children,
  onSubmit,
}: {
  title: string;
  submitLabel: string;
  children: ReactNode;
  onSubmit: () => Promise<unknown>;
}) {
  const submit = useAction(onSubmit);
  return (
    <form
      className="form card settings-form"
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        void submit.run();
      }}
      aria-label={title}
    >
      <h3>{title}</h3>
      {children}
      <ErrorMessage error={submit.error} />
      <div className="row">
        <button type="submit" className="button button-primary" disabled={submit.busy}>
          {submit.busy ? 'Working…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
