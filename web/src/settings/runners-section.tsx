import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { Runner, WithToken } from '../api/settings-types.ts';
import { useApi } from '../api/use-api.ts';
import { DeleteButton } from '../components/action-button.tsx';
import { ActionsHeading } from '../components/actions-heading.tsx';
import { Loaded } from '../components/loading.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { parseWordList } from '../lib/word-list.ts';
import { CheckboxField, TextField } from './fields.tsx';
import { FormCard } from './form-card.tsx';
import { SettingsSection } from './settings-section.tsx';
import { ShownOnce } from './shown-once.tsx';
import { useFields } from './use-fields.ts';

/**
 * Runners (admins): which are connected, their tags and token prefixes; registering one shows its
 * token once, removing one revokes the token and drops its connection.
 */
export function RunnersSection() {
  const state = useApi<Runner[]>('/runners', { liveWhen: (event) => event.type === 'job' });
  const [registered, setRegistered] = useState<WithToken<Runner>>();
  return (
    <SettingsSection
      title="Runners"
      description="Processes that run jobs. Each holds a connection to the server, which pushes jobs to it; one runs inside the server."
    >
      {registered && (
        <ShownOnce
          label={`Token of runner ${registered.description}`}
          value={registered.token}
          onDismiss={() => setRegistered(undefined)}
        >
          <span>
            Start it with{' '}
            <code className="settings-value">
              gantry runner --url {window.location.origin} --token {registered.token}
            </code>
          </span>
        </ShownOnce>
      )}
      <Loaded state={state}>
        {(runners) =>
          runners.length === 0 ? (
            <div className="card empty">No runners: jobs wait until one is registered and started.</div>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Runner</th>
                    <th>Status</th>
                    <th>Tags</th>
                    <th className="hide-small">Token</th>
                    <th className="hide-small">Last contact</th>
                    <ActionsHeading />
                  </tr>
                </thead>
                <tbody>
                  {runners.map((runner) => (
                    <tr key={runner.id} data-runner={runner.id}>
                      <td>
                        <strong>{runner.description}</strong>
                        <div className="muted">
                          #{runner.id}
                          {runner.embedded && ', inside the server'}
                        </div>
                      </td>
                      <td>
                        <StatusBadge status={runner.online ? 'online' : 'offline'} />
                      </td>
                      <td>
                        <div className="row">
                          {runner.tag_list.map((tag) => (
                            <span key={tag} className="badge">
                              {tag}
                            </span>
                          ))}
                          {runner.run_untagged && <span className="muted">untagged jobs</span>}
                        </div>
                      </td>
                      <td className="hide-small">
                        <code>{runner.token_prefix}…</code>
                      </td>
                      <td className="hide-small">
                        <TimeAgo iso={runner.contacted_at} />
                      </td>
                      <td>
                        <div className="settings-actions">
                          <DeleteButton
                            label="Remove"
                            title={`Remove runner ${runner.description}?`}
                            path={`/runners/${runner.id}`}
                            onDeleted={state.reload}
                          >
                            <p>
                              Its token stops working and its connection is closed; jobs it is running are
                              lost.
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
      <RegisterRunnerForm
        onRegistered={(runner) => {
          setRegistered(runner);
          state.reload();
        }}
      />
    </SettingsSection>
  );
}

function RegisterRunnerForm({ onRegistered }: { onRegistered: (runner: WithToken<Runner>) => void }) {
  const { values, set, reset } = useFields({ description: '', tags: '', runUntagged: true });
  return (
    <FormCard
      title="Register a runner"
      submitLabel="Register runner"
      onSubmit={async () => {
        const runner = await api<WithToken<Runner>>('/runners', {
          method: 'POST',
          body: {
            description: values.description.trim(),
            tag_list: parseWordList(values.tags),
            run_untagged: values.runUntagged,
          },
        });
        reset();
        onRegistered(runner);
      }}
    >
      <TextField
        label="Description"
        value={values.description}
        onChange={set('description')}
        required
        placeholder="build-host-1"
      />
      <TextField
        label="Tags"
        value={values.tags}
        onChange={set('tags')}
        placeholder="podman, linux"
        hint="Jobs naming tags run only on runners with all of them."
      />
      <CheckboxField label="Run untagged jobs" checked={values.runUntagged} onChange={set('runUntagged')} />
    </FormCard>
  );
}
