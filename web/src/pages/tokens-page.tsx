import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { AccessToken, WithToken } from '../api/settings-types.ts';
import { useApi } from '../api/use-api.ts';
import { DeleteButton } from '../components/action-button.tsx';
import { Loaded } from '../components/loading.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { useCurrentUser } from '../session.tsx';
import { CheckboxField, TextField } from '../settings/fields.tsx';
import { FormCard } from '../settings/form-card.tsx';
import { ShownOnce } from '../settings/shown-once.tsx';
import { useFields } from '../settings/use-fields.ts';
import '../settings.css';
import { ActionsHeading } from '../components/actions-heading.tsx';

/** A token's state in one word. */
function tokenState(token: AccessToken): 'active' | 'revoked' | 'expired' {
  if (token.revoked) return 'revoked';
  return token.active ? 'active' : 'expired';
}

/** The first day a new token may expire on: tomorrow, in the user's calendar. */
function tomorrow(): string {
  const date = new Date(Date.now() + 86_400_000);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/**
 * The user's personal access tokens (`/user/tokens`): list, create (shown once), revoke. Tokens
 * authenticate scripts and tools against the API as the user.
 */
export function TokensPage() {
  const user = useCurrentUser();
  // Admins would get everyone's tokens without the filter.
  const state = useApi<AccessToken[]>(`/personal_access_tokens?user_id=${user.id}`);
  const [created, setCreated] = useState<WithToken<AccessToken>>();
  return (
    <>
      <PageHeader
        title="Access tokens"
        subtitle={
          <>
            Personal access tokens act as you in scripts and tools: send one as{' '}
            <code>Authorization: Bearer …</code>.
          </>
        }
      />
      <div className="stack">
        {created && (
          <ShownOnce
            label={`Token ${created.name}`}
            value={created.token}
            onDismiss={() => setCreated(undefined)}
          />
        )}
        <Loaded state={state}>
          {(tokens) =>
            tokens.length === 0 ? (
              <div className="card empty">No tokens yet.</div>
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th>Name</th>
                      <th>Scopes</th>
                      <th>State</th>
                      <th className="hide-small">Token</th>
                      <th className="hide-small">Expires</th>
                      <th className="hide-small">Last used</th>
                      <ActionsHeading />
                    </tr>
                  </thead>
                  <tbody>
                    {tokens.map((token) => (
                      <tr key={token.id} data-token={token.name}>
                        <td>
                          <strong>{token.name}</strong>
                          <div className="muted">
                            created <TimeAgo iso={token.created_at} />
                          </div>
                        </td>
                        <td>{token.scopes.join(', ')}</td>
                        <td>
                          <StatusBadge status={tokenState(token)} />
                        </td>
                        <td className="hide-small">
                          <code>{token.token_prefix}…</code>
                        </td>
                        <td className="hide-small">{token.expires_at ?? 'never'}</td>
                        <td className="hide-small">
                          <TimeAgo iso={token.last_used_at} />
                        </td>
                        <td>
                          {!token.revoked && (
                            <div className="settings-actions">
                              <DeleteButton
                                label="Revoke"
                                title={`Revoke token ${token.name}?`}
                                path={`/personal_access_tokens/${token.id}`}
                                onDeleted={state.reload}
                              >
                                <p>Scripts using it get 401 from now on. This cannot be undone.</p>
                              </DeleteButton>
                            </div>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          }
        </Loaded>
        <CreateTokenForm
          userId={user.id}
          onCreated={(token) => {
            setCreated(token);
            state.reload();
          }}
        />
      </div>
    </>
  );
}

function CreateTokenForm({
  userId,
  onCreated,
}: {
  userId: number;
  onCreated: (token: WithToken<AccessToken>) => void;
}) {
  const { values, set, reset } = useFields({ name: '', api: true, readApi: false, expiresAt: '' });
  return (
    <FormCard
      title="Create a token"
      submitLabel="Create token"
      onSubmit={async () => {
        const scopes = [...(values.api ? ['api'] : []), ...(values.readApi ? ['read_api'] : [])];
        if (scopes.length === 0) throw new Error('Choose at least one scope.');
        const token = await api<WithToken<AccessToken>>(`/users/${userId}/personal_access_tokens`, {
          method: 'POST',
          body: {
            name: values.name.trim(),
            scopes,
            ...(values.expiresAt && { expires_at: values.expiresAt }),
          },
        });
        reset();
        onCreated(token);
      }}
    >
      <TextField label="Name" value={values.name} onChange={set('name')} required placeholder="deploy-bot" />
      <fieldset className="settings-fieldset">
        <legend>Scopes</legend>
        <CheckboxField label="api" checked={values.api} onChange={set('api')} hint="Everything you may do." />
        <CheckboxField
          label="read_api"
          checked={values.readApi}
          onChange={set('readApi')}
          hint="Reading only (GET), and not secrets such as variables."
        />
      </fieldset>
      <div className="field">
        <label htmlFor="token-expires">Expires on</label>
        <input
          id="token-expires"
          type="date"
          min={tomorrow()}
          value={values.expiresAt}
          onChange={(event) => set('expiresAt')(event.target.value)}
          aria-describedby="token-expires-hint"
        />
        <span id="token-expires-hint" className="hint">
          Optional; without a date the token works until revoked.
        </span>
      </div>
    </FormCard>
  );
}
