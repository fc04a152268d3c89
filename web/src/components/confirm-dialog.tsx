import { type ReactNode, useEffect, useId, useRef } from 'react';
import { ErrorMessage } from './error-message.tsx';
import { useAction } from './use-action.ts';

export interface ConfirmDialogProps {
  /** Whether the dialog is open. */
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  /** Destructive actions get the danger style. */
  danger?: boolean;
  /** Runs the action; a rejection is shown in the dialog, which stays open. */
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}

/**
 * A modal confirmation (native `<dialog>`: focus trap, Escape closes). Every destructive action in
 * the UI goes through one of these, and its error is shown in it.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger,
  onConfirm,
  onClose,
}: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const confirm = useAction(async () => {
    await onConfirm();
    onClose();
  });
  const { clearError } = confirm;
  // Several dialogs can be on one page (one per row): each needs its own title id.
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      clearError();
      dialog.showModal();
    }
    if (!open && dialog.open) dialog.close();
  }, [open, clearError]);

  return (
    <dialog ref={ref} onClose={onClose} aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <div className="stack dialog-body">
        {children}
        <ErrorMessage error={confirm.error} />
      </div>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose} disabled={confirm.busy}>
          Cancel
        </button>
        <button
          type="button"
          className={`button ${danger ? 'button-danger' : 'button-primary'}`}
          onClick={() => void confirm.run()}
          disabled={confirm.busy}
        >
          {confirm.busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
