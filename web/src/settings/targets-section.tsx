import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { Target } from '../api/settings-types.ts';
import { usePagedApi } from '../api/use-api.ts';
import { DeleteButton } from '../components/action-button.tsx';
import { ActionsHeading } from '../components/actions-heading.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { PagedList } from '../components/paged-list.tsx';
import { useAction } from '../components/use-action.ts';
import { hostTargetCheckText } from '../lib/host-target-check.ts';
import {
  EMPTY_TARGET_FORM,
  editTargetForm,
  isEditableKind,
  type TargetForm,
  targetBody,
} from '../lib/target-body.ts';
import { EditTargetDialog } from './edit-target-dialog.tsx';
import { SelectField, TextField } from './fields.tsx';
import { FormCard } from './form-card.tsx';
import { HOST_KEY_HINT, HostKeys } from './host-keys.tsx';
import {
  HOST_TARGET_KIND_CHOICES,
  HostTargetKindFields,
  HostTargetSummary,
  hostTargetKindName,
} from './host-target-fields.tsx';
import { PodmanTargetFields, PodmanTargetSummary, podmanConnectedText } from './podman-target-fields.tsx';
import { SettingsSection } from './settings-section.tsx';
import { useFields } from './use-fields.ts';

/** What a successful check of a cluster, host, bucket or repository reported, in words. */
function connectedText(target: Target): string {
  if (target.podman) return podmanConnectedText(target.podman);
  const checked = hostTargetCheckText(target);
  if (checked) return checked;
  const version = target.kubernetes?.server_version;
  return version ? `the cluster answered (Kubernetes ${version})` : 'the cluster answered';
}

/**
 * Targets (where environments run) of a project (`path` = `/projects/3/targets`) or of the instance
 * (`/targets`): the list with each cluster's or host's last check, a connection check, delete, and the
 * form adding a Kubernetes cluster (kubeconfig, or API URL + CA + token), a Podman host or an external
 * deployer.
 */
export function TargetsSection({ path, instance }: { path: string; instance?: boolean }) {
  const list = usePagedApi<Target>(path);
  const [added, setAdded] = useState<Target>();
  return (
    <SettingsSection
      title={instance ? 'Instance targets' : 'Targets'}
      description={
        <>
          Where environments run{instance ? ', for every project' : ''}. A target serves the environments its
          scope matches;{' '}
          {instance ? 'project targets win over these' : 'project targets win over instance ones'}, then the
          most specific scope. Every save checks that the cluster, host, bucket or repository answers and
          accepts the credentials, which are stored encrypted and never shown again; the keys of hosts reached
          over SSH are recorded, and a host whose key changes is refused.
        </>
      }
    >
      {added && <AddedTarget target={added} />}
      <PagedList list={list} empty="No targets yet.">
        {(items) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Environments</th>
                  <th>Connection</th>
                  <th className="hide-small">Namespaces</th>
                  <ActionsHeading />
                </tr>
              </thead>
              <tbody>
                {items.map((target) => (
                  <TargetRow key={target.id} path={path} target={target} onChange={list.reload} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PagedList>
      <AddTargetForm
        path={path}
        onAdded={(target) => {
          setAdded(target);
          list.reload();
        }}
      />
    </SettingsSection>
  );
}

function TargetRow({ path, target, onChange }: { path: string; target: Target; onChange: () => void }) {
  const [checked, setChecked] = useState<Target>();
  // Saving a Kubernetes or Podman target without changes makes the API check it again.
  const recheck = useAction(async () => {
    setChecked(undefined);
    setChecked(await api<Target>(`${path}/${target.id}`, { method: 'PUT', body: {} }));
    onChange();
  });
  const [edited, setEdited] = useState<Target>();
  const [editing, setEditing] = useState(false);
  const { kubernetes, podman } = target;
  const editForm = editTargetForm(target);
  const hostKind = hostTargetKindName(target.kind);
  return (
    <tr data-target={target.name}>
      <td>
        <strong>{target.name}</strong>
        <div className="muted">
          {kubernetes
            ? 'Kubernetes'
            : podman
              ? 'Podman host'
              : target.kind === 'external'
                ? 'External deployer'
                : (hostKind ?? target.kind)}
        </div>
      </td>
      <td>
        <code>{target.environment_scope}</code>
      </td>
      <td className="settings-wrap">
        {target.kind !== 'external' ? (
          <div className="stack settings-tight">
            {kubernetes && (
              <>
                <code>{kubernetes.api_url}</code>
                <span className="muted">
                  by {kubernetes.auth}
                  {kubernetes.server_version && `, Kubernetes ${kubernetes.server_version}`}
                </span>
              </>
            )}
            {podman && <PodmanTargetSummary podman={podman} />}
            <HostTargetSummary target={target} />
            {edited && (
              <span className="settings-check-ok" role="status">
                Saved: {connectedText(edited)}.
              </span>
            )}
            {checked && (
              <span className="settings-check-ok" role="status">
                Connected: {connectedText(checked)}.
              </span>
            )}
            <ErrorMessage error={recheck.error} />
          </div>
        ) : (
          <code>{target.url}</code>
        )}
      </td>
      <td className="hide-small">{kubernetes ? <code>{kubernetes.namespace_template}</code> : '—'}</td>
      <td>
        <div className="settings-actions">
          {editForm && (
            <button
              type="button"
              className="button button-small"
              aria-label={`Edit ${target.name}`}
              onClick={() => {
                setEdited(undefined);
                setEditing(true);
              }}
            >
              Edit
            </button>
          )}
          {target.kind !== 'external' && (
            <button
              type="button"
              className="button button-small"
              disabled={recheck.busy}
              onClick={() => void recheck.run()}
            >
              {recheck.busy ? 'Checking…' : 'Check connection'}
            </button>
          )}
          <DeleteButton
            title={`Delete target ${target.name}?`}
            path={`${path}/${target.id}`}
            onDeleted={onChange}
          >
            <p>
              Environments it serves can no longer be deployed until another target matches them. What already
              runs there keeps running.
            </p>
          </DeleteButton>
        </div>
        {editing && editForm && (
          <EditTargetDialog
            path={`${path}/${target.id}`}
            initial={editForm}
            onClose={() => setEditing(false)}
            onSaved={(saved) => {
              setEdited(saved);
              onChange();
            }}
          />
        )}
      </td>
    </tr>
  );
}

/**
 * What adding a target checked: the cluster's or host's answer and, for targets reached over
 * SSH, every host's recorded key fingerprints for people to compare with the hosts' own.
 */
function AddedTarget({ target }: { target: Target }) {
  const hosts = target.ssh?.hosts ?? target.ansible?.hosts ?? (target.sftp ? [target.sftp] : undefined);
  return (
    <div className="alert alert-info stack settings-tight" role="status">
      <span>
        Target <strong>{target.name}</strong> added
        {target.kind === 'external' ? '.' : `: ${connectedText(target)}.`}
      </span>
      {hosts && (
        <>
          <HostKeys hosts={hosts} />
          <span className="hint">{HOST_KEY_HINT}</span>
        </>
      )}
    </div>
  );
}

function AddTargetForm({ path, onAdded }: { path: string; onAdded: (target: Target) => void }) {
  const { values, set, reset } = useFields<TargetForm>(EMPTY_TARGET_FORM);
  return (
    <FormCard
      title="Add a target"
      submitLabel="Add target"
      onSubmit={async () => {
        onAdded(await api<Target>(path, { method: 'POST', body: targetBody(values) }));
        reset();
      }}
    >
      <TextField
        label="Name"
        value={values.name}
        onChange={set('name')}
        required
        placeholder="prod-cluster"
      />
      <SelectField
        label="Kind"
        value={values.kind}
        onChange={set('kind')}
        choices={[
          { value: 'kubernetes', label: 'Kubernetes cluster' },
          { value: 'podman', label: 'Podman host' },
          ...HOST_TARGET_KIND_CHOICES,
          { value: 'external', label: 'External deployer (signed webhooks)' },
        ]}
      />
      <TextField
        label="Environment scope"
        value={values.environmentScope}
        onChange={set('environmentScope')}
        hint="An environment name (production), a pattern (review/*), or * for every environment."
      />
      {isEditableKind(values.kind) ? (
        <HostTargetKindFields kind={values.kind} values={values} set={set} editing={false} />
      ) : values.kind === 'podman' ? (
        <PodmanTargetFields values={values.podman} onChange={set('podman')} />
      ) : values.kind === 'kubernetes' ? (
        <>
          <SelectField
            label="Credentials"
            value={values.auth}
            onChange={set('auth')}
            choices={[
              { value: 'kubeconfig', label: 'Paste a kubeconfig' },
              { value: 'token', label: 'API URL, CA certificate and token' },
            ]}
          />
          {values.auth === 'kubeconfig' ? (
            <TextField
              label="Kubeconfig"
              multiline
              rows={10}
              value={values.kubeconfig}
              onChange={set('kubeconfig')}
              hint="Its current context is used; certificates and tokens inline (no file paths or exec plugins)."
            />
          ) : (
            <>
              <TextField
                label="API URL"
                type="url"
                value={values.apiUrl}
                onChange={set('apiUrl')}
                placeholder="https://10.0.0.1:6443"
              />
              <TextField
                label="CA certificate (PEM)"
                multiline
                value={values.caPem}
                onChange={set('caPem')}
                hint="Leave empty when the API server's certificate is publicly trusted."
              />
              <TextField label="Token" type="password" value={values.token} onChange={set('token')} />
            </>
          )}
          <TextField
            label="Namespace template"
            value={values.namespaceTemplate}
            onChange={set('namespaceTemplate')}
            placeholder="${CI_PROJECT_PATH_SLUG}-${CI_ENVIRONMENT_SLUG}"
            hint="Where each environment deploys; empty for the default shown."
          />
        </>
      ) : (
        <>
          <TextField
            label="Webhook URL"
            type="url"
            value={values.url}
            onChange={set('url')}
            required
            placeholder="https://deployer.example.com/gantry"
          />
          <TextField
            label="Signing secret"
            type="password"
            value={values.secret}
            onChange={set('secret')}
            hint="Optional: signs each webhook (X-Gantry-Signature-256)."
          />
        </>
      )}
    </FormCard>
  );
}
