import { type ReactNode, useState } from 'react';
import { api } from '../api/api-client.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';

/**
 * A button whose action is confirmed in a dialog first (required for anything destructive or that
 * deploys); errors from the API appear in the dialog.
 */
export function ConfirmButton({
  label,
  title,
  confirmLabel,
  danger,
  small,
  children,
  onConfirm,
}: {
  label: string;
  title: string;
  confirmLabel?: string;
  danger?: boolean;
  small?: boolean;
  children?: ReactNode;
  onConfirm: () => Promise<unknown>;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={`button${danger ? ' button-danger' : ''}${small ? ' button-small' : ''}`}
        onClick={() => setOpen(true)}
      >
        {label}
      </button>
      <ConfirmDialog
        open={open}
        title={title}
        confirmLabel={confirmLabel ?? label}
        {...(danger !== undefined && { danger })}
        onConfirm={onConfirm}
        onClose={() => setOpen(false)}
      >
        {children}
      </ConfirmDialog>
    </>
  );
}

/**
 * A row's delete (or remove, revoke…): confirmed, then `DELETE path`, then `onDeleted` (the list's
 * reload); the dialog shows the API's error. `children` say what deleting does.
 */
export function DeleteButton({
  label = 'Delete',
  title,
  path,
  onDeleted,
  children,
}: {
  label?: string;
  title: string;
  /** The API path of what is deleted. */
  path: string;
  onDeleted: () => void;
  children: ReactNode;
}) {
  return (
    <ConfirmButton
      small
      danger
      label={label}
      title={title}
      onConfirm={async () => {
        await api(path, { method: 'DELETE' });
        onDeleted();
      }}
    >
      {children}
    </ConfirmButton>
  );
}
