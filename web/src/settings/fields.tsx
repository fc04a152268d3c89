import { type ReactNode, useId } from 'react';

// Labelled inputs for the settings forms: every input has a visible label (its accessible name)
// and an optional hint tied to it with aria-describedby.

interface FieldProps {
  label: string;
  hint?: ReactNode;
}

function Hint({ id, hint }: { id: string; hint: ReactNode }) {
  return (
    <span id={id} className="hint">
      {hint}
    </span>
  );
}

/** A one-line text input (or `multiline` textarea). */
export function TextField({
  label,
  hint,
  value,
  onChange,
  type = 'text',
  required,
  placeholder,
  multiline,
  rows,
  autoComplete,
}: FieldProps & {
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'password' | 'url' | 'email' | 'date' | 'number';
  required?: boolean;
  placeholder?: string;
  multiline?: boolean;
  /** Height of a multiline field in lines. */
  rows?: number;
  autoComplete?: string;
}) {
  const id = useId();
  const common = {
    id,
    value,
    required,
    placeholder,
    spellCheck: false,
    ...(hint !== undefined && { 'aria-describedby': `${id}-hint` }),
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={rows} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input
          {...common}
          type={type}
          autoComplete={autoComplete ?? 'off'}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
      {hint !== undefined && <Hint id={`${id}-hint`} hint={hint} />}
    </div>
  );
}

/** A select of fixed choices. */
export function SelectField<T extends string>({
  label,
  hint,
  value,
  onChange,
  choices,
}: FieldProps & {
  value: T;
  onChange: (value: T) => void;
  choices: readonly { value: T; label: string }[];
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(event) => onChange(event.target.value as T)}
        {...(hint !== undefined && { 'aria-describedby': `${id}-hint` })}
      >
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
      {hint !== undefined && <Hint id={`${id}-hint`} hint={hint} />}
    </div>
  );
}

/** A checkbox with its label beside it. */
export function CheckboxField({
  label,
  hint,
  checked,
  onChange,
}: FieldProps & { checked: boolean; onChange: (checked: boolean) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label className="checkbox settings-checkbox" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          checked={checked}
          onChange={(event) => onChange(event.target.checked)}
          {...(hint !== undefined && { 'aria-describedby': `${id}-hint` })}
        />
        {label}
      </label>
      {hint !== undefined && <Hint id={`${id}-hint`} hint={hint} />}
    </div>
  );
}
