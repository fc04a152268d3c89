import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { Member } from '../api/settings-types.ts';
import { useApi } from '../api/use-api.ts';
import { DeleteButton } from '../components/action-button.tsx';
import { ActionsHeading } from '../components/actions-heading.tsx';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { Loaded } from '../components/loading.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { ACCESS_LEVEL, atLeast, ROLE_CHOICES, roleLabel } from '../lib/access-level.ts';
import { useProject } from '../project-context.tsx';
import { useCurrentUser } from '../session.tsx';
import { SelectField, TextField } from './fields.tsx';
import { userIdByUsername } from './find-user.ts';
import { FormCard } from './form-card.tsx';
import { SettingsSection } from './settings-section.tsx';
import { useFields } from './use-fields.ts';

const ROLE_OPTIONS = ROLE_CHOICES.map((choice) => ({ value: String(choice.level), label: choice.label }));

/**
 * Members and their roles. Everyone in the project sees the list; maintainers add members by
 * username, change roles and remove members.
 */
export function MembersSection({ level }: { level: number | undefined }) {
  const { api: project } = useProject();
  const path = `${project}/members`;
  const state = useApi<Member[]>(path);
  const manage = atLeast(level, 'maintainer');
  return (
    <SettingsSection
      title="Members"
      description="Reporters read the project, developers push and deploy where allowed, maintainers manage its settings."
    >
      <Loaded state={state}>
        {(members) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>User</th>
                  <th>Role</th>
                  <th className="hide-small">Member since</th>
                  {manage && <ActionsHeading />}
                </tr>
              </thead>
              <tbody>
                {members.map((member) => (
                  <MemberRow
                    key={member.id}
                    path={`${path}/${member.id}`}
                    member={member}
                    manage={manage}
                    onChange={state.reload}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
      {manage && <AddMemberForm path={path} onAdded={state.reload} />}
    </SettingsSection>
  );
}

function MemberRow({
  path,
  member,
  manage,
  onChange,
}: {
  path: string;
  member: Member;
  manage: boolean;
  onChange: () => void;
}) {
  const user = useCurrentUser();
  // The role picked but not confirmed yet: a role change grants or takes rights, so it is confirmed.
  const [picked, setPicked] = useState<number>();
  const you = member.id === user.id;
  return (
    <tr data-member={member.username}>
      <td>
        <strong>{member.username}</strong>
        {you && <span className="muted"> (you)</span>}
        {member.name !== member.username && <div className="muted">{member.name}</div>}
        {member.state !== 'active' && <span className="badge">{member.state}</span>}
      </td>
      <td>
        {manage ? (
          <>
            <label className="visually-hidden" htmlFor={`role-${member.id}`}>
              Role of {member.username}
            </label>
            <select
              id={`role-${member.id}`}
              className="settings-auto"
              value={String(picked ?? member.access_level)}
              onChange={(event) => setPicked(Number(event.target.value))}
            >
              {ROLE_OPTIONS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
            <ConfirmDialog
              open={picked !== undefined}
              title={`Make ${you ? 'yourself' : member.username} ${picked === undefined ? '' : roleLabel(picked)}?`}
              confirmLabel="Change role"
              onConfirm={async () => {
                await api(path, { method: 'PUT', body: { access_level: picked } });
                onChange();
              }}
              onClose={() => setPicked(undefined)}
            >
              <p>
                {you
                  ? 'Below maintainer you can no longer manage this project; only a maintainer or an admin can give the role back.'
                  : `${member.username} gets the rights of the new role at once.`}
              </p>
            </ConfirmDialog>
          </>
        ) : (
          roleLabel(member.access_level)
        )}
      </td>
      <td className="hide-small">
        <TimeAgo iso={member.created_at} />
      </td>
      {manage && (
        <td>
          <div className="settings-actions">
            <DeleteButton
              label="Remove"
              title={you ? 'Leave this project?' : `Remove ${member.username} from the project?`}
              path={path}
              onDeleted={onChange}
            >
              <p>
                {you
                  ? 'You lose access to the project; only a maintainer or an admin can add you again.'
                  : `${member.username} loses access to the project.`}
              </p>
            </DeleteButton>
          </div>
        </td>
      )}
    </tr>
  );
}

function AddMemberForm({ path, onAdded }: { path: string; onAdded: () => void }) {
  const { values, set, reset } = useFields({ username: '', role: String(ACCESS_LEVEL.developer) });
  return (
    <FormCard
      title="Add a member"
      submitLabel="Add member"
      onSubmit={async () => {
        const userId = await userIdByUsername(values.username);
        await api(path, { method: 'POST', body: { user_id: userId, access_level: Number(values.role) } });
        reset();
        onAdded();
      }}
    >
      <TextField
        label="Username"
        value={values.username}
        onChange={set('username')}
        required
        placeholder="alice"
      />
      <SelectField label="Role" value={values.role} onChange={set('role')} choices={ROLE_OPTIONS} />
    </FormCard>
  );
}
