import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { LogsAccess, ProtectedEnvironmentOperations } from '../api/environment-operations-types.ts';
import type { Grant, ProtectedEnvironment } from '../api/settings-types.ts';
import { useApi } from '../api/use-api.ts';
import { ConfirmButton, DeleteButton } from '../components/action-button.tsx';
import { ActionsHeading } from '../components/actions-heading.tsx';
import { Loaded } from '../components/loading.tsx';
import { grantsOf } from '../lib/access-level.ts';
import { parseWordList } from '../lib/word-list.ts';
import { useProject } from '../project-context.tsx';
import { CheckboxField, SelectField, TextField } from './fields.tsx';
import { userIdByUsername } from './find-user.ts';
import { FormCard } from './form-card.tsx';
import { SettingsSection } from './settings-section.tsx';
import { useFields } from './use-fields.ts';

/** Role choices of a grant: the role and those above it (`none`: only the users listed). */
type RoleChoice = 'none' | '20' | '30' | '40';

const ROLE_CHOICES: readonly { value: RoleChoice; label: string }[] = [
  { value: '40', label: 'Maintainers' },
  { value: '30', label: 'Developers and maintainers' },
  { value: '20', label: 'Reporters, developers and maintainers' },
  { value: 'none', label: 'Only the users below' },
];

/** Who may read the logs, containers and graphs of a protected environment. */
const LOGS_ACCESS_CHOICES: readonly { value: LogsAccess; label: string }[] = [
  { value: 'reporter', label: 'Reporters, developers and maintainers' },
  { value: 'developer', label: 'Developers and maintainers' },
  { value: 'maintainer', label: 'Maintainers' },
];

const LOGS_ACCESS_TEXT: Record<LogsAccess, string> = {
  reporter: 'Reporters and up',
  developer: 'Developers and up',
  maintainer: 'Maintainers',
};

const EMPTY = {
  name: '',
  deployRole: '40' as RoleChoice,
  deployUsers: '',
  requiredApprovals: '0',
  approverRole: 'none' as RoleChoice,
  approverUsers: '',
  allowSelfApproval: false,
  shellEnabled: true,
  logsAccess: 'reporter' as LogsAccess,
};

/** A grant list in words: `Maintainers, alice`; an empty deploy list means maintainers. */
function grantsText(grants: Grant[], empty: string): string {
  return grants.length === 0 ? empty : grants.map((grant) => grant.access_level_description).join(', ');
}

/** The grants of a role choice and a list of usernames, users looked up by name. */
async function grants(role: RoleChoice, usernames: string) {
  const ids = await Promise.all(parseWordList(usernames).map(userIdByUsername));
  return grantsOf(role === 'none' ? null : Number(role), ids);
}

/**
 * Protected environments: who may deploy to the environments a name or glob matches, and how many
 * approvals from whom their deployments need.
 */
export function ProtectedEnvironmentsSection() {
  const { api: project } = useProject();
  const path = `${project}/protected_environments`;
  const state = useApi<(ProtectedEnvironment & ProtectedEnvironmentOperations)[]>(path);
  return (
    <SettingsSection
      title="Protected environments"
      description="Only the roles and users listed may deploy to a protected environment, and its deployments wait for the approvals required. A rule names an environment or a glob (review/*); the most specific rule applies."
    >
      <Loaded state={state}>
        {(rules) =>
          rules.length === 0 ? (
            <div className="card empty">No protected environments: whoever may run a job may deploy.</div>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Environment</th>
                    <th>Allowed to deploy</th>
                    <th>Approvals</th>
                    <th className="hide-small">Self-approval</th>
                    <th>Shells</th>
                    <th className="hide-small">Logs readable by</th>
                    <ActionsHeading />
                  </tr>
                </thead>
                <tbody>
                  {rules.map((rule) => (
                    <tr key={rule.id} data-protected-environment={rule.name}>
                      <td>
                        <code>{rule.name}</code>
                      </td>
                      <td>{grantsText(rule.deploy_access_levels, 'Maintainers')}</td>
                      <td>
                        {rule.required_approval_count === 0
                          ? 'None required'
                          : `${rule.required_approval_count} from ${grantsText(rule.approval_rules, 'nobody')}`}
                      </td>
                      <td className="hide-small">{rule.allow_self_approval ? 'Allowed' : 'Not allowed'}</td>
                      <td>{rule.shell_enabled === false ? 'Disabled' : 'Enabled'}</td>
                      <td className="hide-small">{LOGS_ACCESS_TEXT[rule.logs_access ?? 'reporter']}</td>
                      <td>
                        <div className="settings-actions">
                          <OperationsButton
                            path={`${path}/${encodeURIComponent(rule.name)}`}
                            rule={rule}
                            onSaved={state.reload}
                          />
                          <DeleteButton
                            label="Unprotect"
                            title={`Unprotect ${rule.name}?`}
                            path={`${path}/${encodeURIComponent(rule.name)}`}
                            onDeleted={state.reload}
                          >
                            <p>
                              Anyone who may run its jobs may then deploy there, without approvals. Approvals
                              already given stay in the deployments' history.
                            </p>
                          </DeleteButton>
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
      <ProtectForm path={path} onAdded={state.reload} />
    </SettingsSection>
  );
}

function ProtectForm({ path, onAdded }: { path: string; onAdded: () => void }) {
  const { values, set, reset } = useFields(EMPTY);
  return (
    <FormCard
      title="Protect an environment"
      submitLabel="Protect"
      onSubmit={async () => {
        await api(path, {
          method: 'POST',
          body: {
            name: values.name.trim(),
            deploy_access_levels: await grants(values.deployRole, values.deployUsers),
            required_approval_count: Number(values.requiredApprovals),
            approval_rules: await grants(values.approverRole, values.approverUsers),
            allow_self_approval: values.allowSelfApproval,
            shell_enabled: values.shellEnabled,
            logs_access: values.logsAccess,
          },
        });
        reset();
        onAdded();
      }}
    >
      <TextField
        label="Environment"
        value={values.name}
        onChange={set('name')}
        required
        placeholder="production"
        hint="A name, or a glob such as review/*."
      />
      <SelectField
        label="Allowed to deploy"
        value={values.deployRole}
        onChange={set('deployRole')}
        choices={ROLE_CHOICES}
      />
      <TextField
        label="Users allowed to deploy"
        value={values.deployUsers}
        onChange={set('deployUsers')}
        placeholder="alice, bob"
        hint="Usernames, besides the role above."
      />
      <TextField
        label="Required approvals"
        type="number"
        value={values.requiredApprovals}
        onChange={set('requiredApprovals')}
        hint="0 to 10; more than 0 needs approvers."
      />
      <SelectField
        label="Approvers"
        value={values.approverRole}
        onChange={set('approverRole')}
        choices={ROLE_CHOICES}
      />
      <TextField
        label="Approving users"
        value={values.approverUsers}
        onChange={set('approverUsers')}
        placeholder="carol"
        hint="Usernames, besides the role above."
      />
      <CheckboxField
        label="Allow self-approval"
        checked={values.allowSelfApproval}
        onChange={set('allowSelfApproval')}
        hint="The user who started a deployment may approve it too."
      />
      <OperationsFields
        shellEnabled={values.shellEnabled}
        onShellEnabled={set('shellEnabled')}
        logsAccess={values.logsAccess}
        onLogsAccess={set('logsAccess')}
      />
    </FormCard>
  );
}

/** Whether shells may be opened in the environments a rule protects, and who may read their logs. */
function OperationsFields({
  shellEnabled,
  onShellEnabled,
  logsAccess,
  onLogsAccess,
}: {
  shellEnabled: boolean;
  onShellEnabled: (enabled: boolean) => void;
  logsAccess: LogsAccess;
  onLogsAccess: (access: LogsAccess) => void;
}) {
  return (
    <>
      <CheckboxField
        label="Allow shells"
        checked={shellEnabled}
        onChange={onShellEnabled}
        hint="Whoever the project's shell access allows may open a shell in its containers. Off: nobody may."
      />
      <SelectField
        label="Logs readable by"
        value={logsAccess}
        onChange={onLogsAccess}
        choices={LOGS_ACCESS_CHOICES}
        hint="Who may read its logs, containers and graphs."
      />
    </>
  );
}

/** Changes a rule's shells and log readers (`PUT …/protected_environments/:name`), in a dialog. */
function OperationsButton({
  path,
  rule,
  onSaved,
}: {
  path: string;
  rule: ProtectedEnvironment & ProtectedEnvironmentOperations;
  onSaved: () => void;
}) {
  const [shellEnabled, setShellEnabled] = useState(rule.shell_enabled !== false);
  const [logsAccess, setLogsAccess] = useState<LogsAccess>(rule.logs_access ?? 'reporter');
  return (
    <ConfirmButton
      small
      label="Shells and logs"
      title={`Shells and logs of ${rule.name}`}
      confirmLabel="Save"
      onConfirm={async () => {
        await api(path, { method: 'PUT', body: { shell_enabled: shellEnabled, logs_access: logsAccess } });
        onSaved();
      }}
    >
      <OperationsFields
        shellEnabled={shellEnabled}
        onShellEnabled={setShellEnabled}
        logsAccess={logsAccess}
        onLogsAccess={setLogsAccess}
      />
    </ConfirmButton>
  );
}
