import { api } from '../api/api-client.ts';
import type { User } from '../api/types.ts';
import { usePagedApi } from '../api/use-api.ts';
import { ConfirmButton, DeleteButton } from '../components/action-button.tsx';
import { ActionsHeading } from '../components/actions-heading.tsx';
import { PagedList } from '../components/paged-list.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { useCurrentUser } from '../session.tsx';
import { CheckboxField, TextField } from './fields.tsx';
import { FormCard } from './form-card.tsx';
import { SettingsSection } from './settings-section.tsx';
import { useFields } from './use-fields.ts';

/** Users (admins): create, make or unmake admin, block or unblock, delete; never yourself. */
export function UsersSection() {
  const list = usePagedApi<User>('/users');
  const me = useCurrentUser();
  const change = async (user: User, body: Partial<Pick<User, 'state'>> & { admin?: boolean }) => {
    await api(`/users/${user.id}`, { method: 'PUT', body });
    list.reload();
  };
  return (
    <SettingsSection
      title="Users"
      description="Everyone who can sign in. Admins see every project and manage runners, instance targets and users; blocked users can neither sign in nor use their tokens."
    >
      <PagedList list={list} empty="No users.">
        {(items) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>User</th>
                  <th>State</th>
                  <th className="hide-small">Created</th>
                  <ActionsHeading />
                </tr>
              </thead>
              <tbody>
                {items.map((user) => (
                  <tr key={user.id} data-user={user.username}>
                    <td>
                      <strong>{user.username}</strong>
                      {user.is_admin && <span className="badge badge-info settings-inline">admin</span>}
                      <div className="muted">
                        {user.name}
                        {user.email && ` · ${user.email}`}
                      </div>
                    </td>
                    <td>
                      <StatusBadge status={user.state} />
                    </td>
                    <td className="hide-small">
                      <TimeAgo iso={user.created_at} />
                    </td>
                    <td>
                      {user.id === me.id ? (
                        <div className="settings-actions muted">you</div>
                      ) : (
                        <div className="settings-actions">
                          <ConfirmButton
                            small
                            label={user.is_admin ? 'Remove admin' : 'Make admin'}
                            title={`${user.is_admin ? 'Remove admin rights of' : 'Make an admin of'} ${user.username}?`}
                            onConfirm={() => change(user, { admin: !user.is_admin })}
                          >
                            <p>
                              {user.is_admin
                                ? 'They keep their project memberships only.'
                                : 'They can then see and change every project, runner, target and user.'}
                            </p>
                          </ConfirmButton>
                          <ConfirmButton
                            small
                            danger={user.state !== 'blocked'}
                            label={user.state === 'blocked' ? 'Unblock' : 'Block'}
                            title={`${user.state === 'blocked' ? 'Unblock' : 'Block'} ${user.username}?`}
                            onConfirm={() =>
                              change(user, { state: user.state === 'blocked' ? 'active' : 'blocked' })
                            }
                          >
                            <p>
                              {user.state === 'blocked'
                                ? 'They can sign in and use their tokens again.'
                                : 'They can no longer sign in, and their tokens stop working.'}
                            </p>
                          </ConfirmButton>
                          <DeleteButton
                            title={`Delete user ${user.username}?`}
                            path={`/users/${user.id}`}
                            onDeleted={list.reload}
                          >
                            <p>Their memberships and tokens go with them. This cannot be undone.</p>
                          </DeleteButton>
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PagedList>
      <CreateUserForm onCreated={list.reload} />
    </SettingsSection>
  );
}

function CreateUserForm({ onCreated }: { onCreated: () => void }) {
  const { values, set, reset } = useFields({ username: '', name: '', email: '', password: '', admin: false });
  return (
    <FormCard
      title="Create a user"
      submitLabel="Create user"
      onSubmit={async () => {
        await api('/users', {
          method: 'POST',
          body: {
            username: values.username.trim(),
            ...(values.name.trim() && { name: values.name.trim() }),
            ...(values.email.trim() && { email: values.email.trim() }),
            ...(values.password && { password: values.password }),
            admin: values.admin,
          },
        });
        reset();
        onCreated();
      }}
    >
      <TextField label="Username" value={values.username} onChange={set('username')} required />
      <TextField label="Name" value={values.name} onChange={set('name')} />
      <TextField label="Email" type="email" value={values.email} onChange={set('email')} />
      <TextField
        label="Password"
        type="password"
        value={values.password}
        onChange={set('password')}
        autoComplete="new-password"
        hint="At least 8 characters. Without one, the user signs in with tokens only."
      />
      <CheckboxField label="Admin" checked={values.admin} onChange={set('admin')} />
    </FormCard>
  );
}
