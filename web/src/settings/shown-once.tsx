import { type ReactNode, useState } from 'react';

/**
 * A secret the API returns only once (a personal access token, a runner token): shown in a
 * read-only field with a copy button, and gone when dismissed.
 */
export function ShownOnce({
  label,
  value,
  children,
  onDismiss,
}: {
  label: string;
  value: string;
  children?: ReactNode;
  onDismiss: () => void;
}) {
  const [copied, setCopied] = useState(false);
  // Without clipboard access (an insecure origin) the field is still there to select and copy.
  const copy = () =>
    navigator.clipboard?.writeText(value).then(
      () => setCopied(true),
      () => {},
    );
  return (
    <div className="alert alert-info stack settings-shown-once" role="status">
      <strong>{label}: copy it now, it is not shown again.</strong>
      <div className="row">
        <input
          aria-label={label}
          readOnly
          value={value}
          className="mono settings-grow"
          onFocus={(event) => event.target.select()}
        />
        <button type="button" className="button button-small" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="button button-small" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
      {children}
    </div>
  );
}
