import { api } from '../api/api-client.ts';
import type { Target } from '../api/settings-types.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { type EditableKind, type TargetForm, targetChanges } from '../lib/target-body.ts';
import { TextField } from './fields.tsx';
import { HostTargetKindFields } from './host-target-fields.tsx';
import { useFields } from './use-fields.ts';

/**
 * Changes a target's name, scope and settings (SSH, SFTP, S3, Maven and Ansible targets); secrets
 * start blank and are kept unless typed. Saving checks the target again, as adding it did; the
 * API's refusal (a host whose key changed, a wrong password) stays in the dialog.
 */
export function EditTargetDialog({
  path,
  initial,
  onClose,
  onSaved,
}: {
  /** The target's API path. */
  path: string;
  initial: TargetForm & { kind: EditableKind };
  onClose: () => void;
  onSaved: (target: Target) => void;
}) {
  const { values, set } = useFields<TargetForm>(initial);
  return (
    <ConfirmDialog
      open
      title={`Edit target ${initial.name}`}
      confirmLabel="Save and check"
      onClose={onClose}
      onConfirm={async () => {
        onSaved(
          await api<Target>(path, { method: 'PUT', body: targetChanges({ ...values, kind: initial.kind }) }),
        );
      }}
    >
      <div className="stack settings-dialog-fields">
        <TextField label="Name" value={values.name} onChange={set('name')} required />
        <TextField
          label="Environment scope"
          value={values.environmentScope}
          onChange={set('environmentScope')}
        />
        <HostTargetKindFields kind={initial.kind} values={values} set={set} editing />
      </div>
    </ConfirmDialog>
  );
}
