import { type FormEvent, type ReactNode, useState } from 'react';
import { ErrorMessage } from '../components/error-message.tsx';

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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form card settings-form" onSubmit={submit} aria-label={title}>
      <h3>{title}</h3>
      {children}
      <ErrorMessage error={error} />
      <div className="row">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Working…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
