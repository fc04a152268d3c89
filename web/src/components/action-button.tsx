import { type ReactNode, useState } from 'react';
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
