import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { CiVariable } from '../api/settings-types.ts';
import { usePagedApi } from '../api/use-api.ts';
import { DeleteButton } from '../components/action-button.tsx';
import { ActionsHeading } from '../components/actions-heading.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { PagedList } from '../components/paged-list.tsx';
import { useAction } from '../components/use-action.ts';
import { CheckboxField, SelectField, TextField } from './fields.tsx';
import { FormCard } from './form-card.tsx';
import { SettingsSection } from './settings-section.tsx';
import { useFields } from './use-fields.ts';

interface VariableForm {
  key: string;
  value: string;
  variable_type: 'env_var' | 'file';
  environment_scope: string;
  protected: boolean;
  masked: boolean;
  raw: boolean;
  description: string;
}

const EMPTY: VariableForm = {
  key: '',
  value: '',
  variable_type: 'env_var',
  environment_scope: '*',
  protected: false,
  masked: false,
  raw: false,
  description: '',
};

/** How a value is shown until revealed. */
const HIDDEN = '••••••••';

/**
 * CI/CD variables of a project (`path` = `/projects/3/variables`) or of the instance
 * (`/admin/ci/variables`, `instance`: no environment scope). Values stay hidden in the list; a
 * maintainer reveals one at a time (a masked value is fetched then, as GitLab's "reveal").
 */
export function VariablesSection({ path, instance }: { path: string; instance?: boolean }) {
  const list = usePagedApi<CiVariable>(path);
  return (
    <SettingsSection
      title={instance ? 'Instance CI/CD variables' : 'CI/CD variables'}
      description={
        <>
          Given to the jobs of {instance ? 'every project' : 'this project'} as environment variables (or
          files). Protected variables reach only pipelines of protected branches and tags; masked values are
          hidden in job logs. Values are stored encrypted.
        </>
      }
    >
      <PagedList list={list} empty="No variables yet.">
        {(items) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Key</th>
                  <th>Value</th>
                  {!instance && <th>Environments</th>}
                  <th className="hide-small">Options</th>
                  <ActionsHeading />
                </tr>
              </thead>
              <tbody>
                {items.map((variable) => (
                  <VariableRow
                    key={`${variable.key}\u0000${variable.environment_scope}`}
                    path={path}
                    instance={instance ?? false}
                    variable={variable}
                    onChange={list.reload}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PagedList>
      <AddVariableForm path={path} instance={instance ?? false} onAdded={list.reload} />
    </SettingsSection>
  );
}

/** The API path of one variable; a project key may exist in several scopes, so the scope is named. */
function variablePath(path: string, variable: CiVariable, instance: boolean): string {
  const one = `${path}/${encodeURIComponent(variable.key)}`;
  return instance
    ? one
    : `${one}?${new URLSearchParams({ 'filter[environment_scope]': variable.environment_scope })}`;
}

function VariableRow({
  path,
  instance,
  variable,
  onChange,
}: {
  path: string;
  instance: boolean;
  variable: CiVariable;
  onChange: () => void;
}) {
  const [revealed, setRevealed] = useState<string>();
  const [editing, setEditing] = useState<CiVariable>();
  const one = variablePath(path, variable, instance);
  // A masked value is null in lists: read the one variable to reveal or edit it.
  const load = useAction(async (then: 'reveal' | 'edit') => {
    const full = variable.value === null ? await api<CiVariable>(one) : variable;
    if (then === 'reveal') setRevealed(full.value ?? '');
    else setEditing(full);
  });
  return (
    <tr data-variable={variable.key}>
      <td className="settings-wrap">
        <code>{variable.key}</code>
        {variable.description && <div className="muted">{variable.description}</div>}
      </td>
      <td className="settings-wrap">
        <div className="row">
          <code className="settings-value" data-testid="variable-value">
            {revealed ?? HIDDEN}
          </code>
          <button
            type="button"
            className="button button-small"
            aria-label={`${revealed === undefined ? 'Reveal' : 'Hide'} value of ${variable.key}`}
            onClick={() => (revealed === undefined ? void load.run('reveal') : setRevealed(undefined))}
          >
            {revealed === undefined ? 'Reveal' : 'Hide'}
          </button>
        </div>
        <ErrorMessage error={load.error} />
      </td>
      {!instance && (
        <td>
          <code>{variable.environment_scope}</code>
        </td>
      )}
      <td className="hide-small">
        <div className="row">
          {variable.variable_type === 'file' && <span className="badge">file</span>}
          {variable.protected && <span className="badge badge-info">protected</span>}
          {variable.masked && <span className="badge badge-warning">masked</span>}
          {variable.raw && <span className="badge">raw</span>}
        </div>
      </td>
      <td>
        <div className="settings-actions">
          <button
            type="button"
            className="button button-small"
            aria-label={`Edit ${variable.key}`}
            onClick={() => void load.run('edit')}
          >
            Edit
          </button>
          <DeleteButton title={`Delete variable ${variable.key}?`} path={one} onDeleted={onChange}>
            <p>Jobs started from now on no longer get it.</p>
          </DeleteButton>
        </div>
        {editing && (
          <EditVariableDialog
            path={one}
            instance={instance}
            variable={editing}
            onClose={() => setEditing(undefined)}
            onSaved={() => {
              setRevealed(undefined);
              onChange();
            }}
          />
        )}
      </td>
    </tr>
  );
}

/** The fields of a variable but its key, shared by the add form and the edit dialog. */
function VariableFields({
  values,
  set,
  instance,
}: {
  values: VariableForm;
  set: <K extends keyof VariableForm>(key: K) => (value: VariableForm[K]) => void;
  instance: boolean;
}) {
  return (
    <>
      <TextField label="Value" multiline value={values.value} onChange={set('value')} />
      <SelectField
        label="Type"
        value={values.variable_type}
        onChange={set('variable_type')}
        choices={[
          { value: 'env_var', label: 'Variable' },
          { value: 'file', label: 'File (the job gets a path to a file holding the value)' },
        ]}
      />
      {!instance && (
        <TextField
          label="Environment scope"
          value={values.environment_scope}
          onChange={set('environment_scope')}
          hint="* for every job, or the environments it is for: production, review/*."
        />
      )}
      <TextField label="Description" value={values.description} onChange={set('description')} />
      <CheckboxField
        label="Protected"
        checked={values.protected}
        onChange={set('protected')}
        hint="Only pipelines of protected branches and tags get it."
      />
      <CheckboxField
        label="Masked"
        checked={values.masked}
        onChange={set('masked')}
        hint="Hidden in job logs: one line, at least 8 characters, no spaces."
      />
      <CheckboxField
        label="Raw"
        checked={values.raw}
        onChange={set('raw')}
        hint="$ in the value is not expanded."
      />
    </>
  );
}

/** The request body of a variable's fields; the scope only for project variables. */
function variableBody(values: VariableForm, instance: boolean) {
  return {
    value: values.value,
    variable_type: values.variable_type,
    protected: values.protected,
    masked: values.masked,
    raw: values.raw,
    description: values.description.trim() === '' ? null : values.description.trim(),
    ...(!instance && { environment_scope: values.environment_scope.trim() || '*' }),
  };
}

function AddVariableForm({
  path,
  instance,
  onAdded,
}: {
  path: string;
  instance: boolean;
  onAdded: () => void;
}) {
  const { values, set, reset } = useFields(EMPTY);
  return (
    <FormCard
      title="Add a variable"
      submitLabel="Add variable"
      onSubmit={async () => {
        await api(path, {
          method: 'POST',
          body: { key: values.key.trim(), ...variableBody(values, instance) },
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
        hint="Letters, digits and _."
      />
      <VariableFields values={values} set={set} instance={instance} />
    </FormCard>
  );
}

function EditVariableDialog({
  path,
  instance,
  variable,
  onClose,
  onSaved,
}: {
  path: string;
  instance: boolean;
  variable: CiVariable;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { values, set } = useFields<VariableForm>({
    key: variable.key,
    value: variable.value ?? '',
    variable_type: variable.variable_type,
    environment_scope: variable.environment_scope,
    protected: variable.protected,
    masked: variable.masked,
    raw: variable.raw,
    description: variable.description ?? '',
  });
  return (
    <ConfirmDialog
      open
      title={`Edit variable ${variable.key}`}
      confirmLabel="Save variable"
      onClose={onClose}
      onConfirm={async () => {
        await api(path, { method: 'PUT', body: variableBody(values, instance) });
        onSaved();
      }}
    >
      <div className="stack settings-dialog-fields">
        <VariableFields values={values} set={set} instance={instance} />
      </div>
    </ConfirmDialog>
  );
}
