import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { EnvironmentSecret } from '../api/settings-types.ts';
import { usePagedApi } from '../api/use-api.ts';
import { DeleteButton } from '../components/action-button.tsx';
import { ActionsHeading } from '../components/actions-heading.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { PagedList } from '../components/paged-list.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { useProject } from '../project-context.tsx';
import { TextField } from './fields.tsx';
import { FormCard } from './form-card.tsx';
import { SettingsSection } from './settings-section.tsx';
import { useFields } from './use-fields.ts';

const VALUE_HINT = 'Write-only: stored encrypted, never shown again (not even here).';

/**
 * Environment secrets: keys and scopes listed, values write-only (the API never returns them), so
 * the actions are "replace the value" and delete.
 */
export function EnvironmentSecretsSection() {
  const { api: project } = useProject();
  const path = `${project}/environment_secrets`;
  const list = usePagedApi<EnvironmentSecret>(path);
  return (
    <SettingsSection
      title="Environment secrets"
      description={
        <>
          Secrets deployments hand to their environments: the Kubernetes deployer applies them as the Secret{' '}
          <code>gantry-environment</code> in the namespace. For each key the most specific scope matching the
          environment wins.
        </>
      }
    >
      <PagedList list={list} empty="No environment secrets yet.">
        {(items) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Key</th>
                  <th>Environments</th>
                  <th className="hide-small">Value</th>
                  <th className="hide-small">Changed</th>
                  <ActionsHeading />
                </tr>
              </thead>
              <tbody>
                {items.map((secret) => (
                  <SecretRow
                    key={`${secret.key}\u0000${secret.environment_scope}`}
                    path={path}
                    secret={secret}
                    onChange={list.reload}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PagedList>
      <AddSecretForm path={path} onAdded={list.reload} />
    </SettingsSection>
  );
}

function SecretRow({
  path,
  secret,
  onChange,
}: {
  path: string;
  secret: EnvironmentSecret;
  onChange: () => void;
}) {
  const [replacing, setReplacing] = useState(false);
  const one = `${path}/${encodeURIComponent(secret.key)}?${new URLSearchParams({
    environment_scope: secret.environment_scope,
  })}`;
  return (
    <tr data-secret={secret.key}>
      <td className="settings-wrap">
        <code>{secret.key}</code>
      </td>
      <td>
        <code>{secret.environment_scope}</code>
      </td>
      <td className="hide-small muted">hidden</td>
      <td className="hide-small">
        <TimeAgo iso={secret.updated_at} />
      </td>
      <td>
        <div className="settings-actions">
          <button
            type="button"
            className="button button-small"
            aria-label={`Replace value of ${secret.key}`}
            onClick={() => setReplacing(true)}
          >
            Replace value
          </button>
          <DeleteButton
            title={`Delete secret ${secret.key} (${secret.environment_scope})?`}
            path={one}
            onDeleted={onChange}
          >
            <p>The next deployment of the environments it served no longer gets it.</p>
          </DeleteButton>
        </div>
        {replacing && (
          <ReplaceValueDialog
            path={one}
            secret={secret}
            onClose={() => setReplacing(false)}
            onSaved={onChange}
          />
        )}
      </td>
    </tr>
  );
}

function ReplaceValueDialog({
  path,
  secret,
  onClose,
  onSaved,
}: {
  path: string;
  secret: EnvironmentSecret;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [value, setValue] = useState('');
  return (
    <ConfirmDialog
      open
      title={`Replace the value of ${secret.key}`}
      confirmLabel="Replace value"
      onClose={onClose}
      onConfirm={async () => {
        await api(path, { method: 'PUT', body: { value } });
        onSaved();
      }}
    >
      <p className="muted">
        Scope <code>{secret.environment_scope}</code>. The next deployment applies the new value.
      </p>
      <TextField label="New value" multiline value={value} onChange={setValue} hint={VALUE_HINT} />
    </ConfirmDialog>
  );
}

function AddSecretForm({ path, onAdded }: { path: string; onAdded: () => void }) {
  const { values, set, reset } = useFields({ key: '', value: '', environment_scope: '*' });
  return (
    <FormCard
      title="Add a secret"
      submitLabel="Add secret"
      onSubmit={async () => {
        await api(path, {
          method: 'POST',
          body: {
            key: values.key.trim(),
            value: values.value,
            environment_scope: values.environment_scope.trim() || '*',
          },
        });
        reset();
        onAdded();
      }}
    >
      <TextField
        label="Key"
        value={values.key}
        onChange={set('key')}
        required
        placeholder="DATABASE_URL"
        hint="A Secret key: letters, digits, -, _ and . (tls.crt)."
      />
      <TextField label="Value" multiline value={values.value} onChange={set('value')} hint={VALUE_HINT} />
      <TextField
        label="Environment scope"
        value={values.environment_scope}
        onChange={set('environment_scope')}
        hint="* for every environment, a name (production) or a pattern (review/*)."
      />
    </FormCard>
  );
}
