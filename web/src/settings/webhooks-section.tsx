import { useEffect, useState } from 'react';
import { api } from '../api/api-client.ts';
import type { HookDelivery, HookTrigger, ProjectHook } from '../api/settings-types.ts';
import { usePagedApi } from '../api/use-api.ts';
import { DeleteButton } from '../components/action-button.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { Loaded } from '../components/loading.tsx';
import { PagedList } from '../components/paged-list.tsx';
import { Pagination } from '../components/pagination.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { useAction } from '../components/use-action.ts';
import { useProject } from '../project-context.tsx';
import { CheckboxField, TextField } from './fields.tsx';
import { FormCard } from './form-card.tsx';
import { SettingsSection } from './settings-section.tsx';
import { useFields } from './use-fields.ts';

const TRIGGERS: readonly { value: HookTrigger; label: string }[] = [
  { value: 'pipeline_events', label: 'Pipeline events' },
  { value: 'job_events', label: 'Job events' },
  { value: 'deployment_events', label: 'Deployment events' },
  { value: 'releases_events', label: 'Release events' },
];

/** Pending deliveries are retried by the server; the log is read again this often meanwhile. */
const PENDING_REFRESH_MS = 2000;

/**
 * Webhooks: URLs receiving signed pipeline, job, deployment and release events, each with its
 * delivery log (status, answer, attempts, the payload sent) and a test action.
 */
export function WebhooksSection() {
  const { api: project } = useProject();
  const path = `${project}/hooks`;
  const list = usePagedApi<ProjectHook>(path);
  return (
    <SettingsSection
      title="Webhooks"
      description={
        <>
          Each event is sent as a JSON <code>POST</code>, signed with the secret token (
          <code>X-Gantry-Signature-256</code>) and retried until the receiver answers 2xx.
        </>
      }
    >
      <PagedList list={list} empty="No webhooks yet.">
        {(items) => (
          <ul className="settings-cards">
            {items.map((hook) => (
              <HookCard key={hook.id} path={`${path}/${hook.id}`} hook={hook} onChange={list.reload} />
            ))}
          </ul>
        )}
      </PagedList>
      <AddHookForm path={path} onAdded={list.reload} />
    </SettingsSection>
  );
}

function HookCard({ path, hook, onChange }: { path: string; hook: ProjectHook; onChange: () => void }) {
  const [showLog, setShowLog] = useState(false);
  const [trigger, setTrigger] = useState<HookTrigger>(
    TRIGGERS.find((choice) => hook[choice.value])?.value ?? 'pipeline_events',
  );
  // Bumped by each test so an open log reads the new delivery.
  const [tests, setTests] = useState(0);
  const sendTest = useAction(async () => {
    await api(`${path}/test/${trigger}`, { method: 'POST' });
    setShowLog(true);
    setTests((count) => count + 1);
  });
  const events = TRIGGERS.filter((choice) => hook[choice.value]);
  return (
    <li className="card stack settings-hook" aria-label={`Webhook ${hook.url}`}>
      <div className="row settings-spread">
        <code className="settings-value">{hook.url}</code>
        <DeleteButton title="Delete this webhook?" path={path} onDeleted={onChange}>
          <p>
            <code>{hook.url}</code> receives nothing more, and its delivery log is deleted.
          </p>
        </DeleteButton>
      </div>
      <div className="row">
        {events.length === 0 ? (
          <span className="muted">No events chosen</span>
        ) : (
          events.map((choice) => (
            <span key={choice.value} className="badge badge-info">
              {choice.label}
            </span>
          ))
        )}
        <span className="muted">
          added <TimeAgo iso={hook.created_at} />
        </span>
      </div>
      <div className="row">
        <label className="visually-hidden" htmlFor={`hook-${hook.id}-trigger`}>
          Test event
        </label>
        <select
          id={`hook-${hook.id}-trigger`}
          className="settings-auto"
          value={trigger}
          onChange={(event) => setTrigger(event.target.value as HookTrigger)}
        >
          {TRIGGERS.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button button-small"
          disabled={sendTest.busy}
          onClick={() => void sendTest.run()}
        >
          {sendTest.busy ? 'Sending…' : 'Send test'}
        </button>
        <button
          type="button"
          className="button button-small"
          aria-expanded={showLog}
          onClick={() => setShowLog((shown) => !shown)}
        >
          {showLog ? 'Hide deliveries' : 'Show deliveries'}
        </button>
      </div>
      <ErrorMessage error={sendTest.error} />
      {showLog && <DeliveryLog key={tests} path={`${path}/events`} />}
    </li>
  );
}

/** The delivery log of a hook, newest first, read again while a delivery is still pending. */
function DeliveryLog({ path }: { path: string }) {
  const list = usePagedApi<HookDelivery>(path);
  const pending = list.data?.items.some((delivery) => delivery.status === 'pending') ?? false;
  const { reload } = list;
  // biome-ignore lint/correctness/useExhaustiveDependencies: each answer (`list.data`) re-arms the timer.
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(reload, PENDING_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [pending, reload, list.data]);
  return (
    <section aria-label="Deliveries" className="stack settings-tight">
      <h3>Deliveries</h3>
      <Loaded state={list}>
        {({ items, totalPages }) =>
          items.length === 0 ? (
            <p className="muted">Nothing sent yet. Send a test to try the receiver.</p>
          ) : (
            <>
              <div className="table-wrap">
                <table className="settings-deliveries">
                  <thead>
                    <tr>
                      <th>Event</th>
                      <th>Status</th>
                      <th>Answer</th>
                      <th className="hide-small">Attempts</th>
                      <th>When</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((delivery) => (
                      <tr key={delivery.id} data-delivery={delivery.id}>
                        <td>
                          <details>
                            <summary>{delivery.event}</summary>
                            <pre className="settings-pre">{JSON.stringify(delivery.payload, null, 2)}</pre>
                            {delivery.response_body && (
                              <>
                                <strong>Answer body</strong>
                                <pre className="settings-pre">{delivery.response_body}</pre>
                              </>
                            )}
                          </details>
                        </td>
                        <td>
                          <StatusBadge status={delivery.status} />
                        </td>
                        <td className="settings-wrap">
                          {delivery.response_status !== null && <code>HTTP {delivery.response_status}</code>}
                          {delivery.error && <div className="muted">{delivery.error}</div>}
                          {delivery.response_status === null && !delivery.error && '—'}
                        </td>
                        <td className="hide-small">{delivery.attempts}</td>
                        <td>
                          <TimeAgo iso={delivery.updated_at} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pagination page={list.page} totalPages={totalPages} onPage={list.setPage} />
            </>
          )
        }
      </Loaded>
    </section>
  );
}

function AddHookForm({ path, onAdded }: { path: string; onAdded: () => void }) {
  const { values, set, reset } = useFields({
    url: '',
    token: '',
    pipeline_events: true,
    job_events: false,
    deployment_events: true,
    releases_events: true,
  });
  return (
    <FormCard
      title="Add a webhook"
      submitLabel="Add webhook"
      onSubmit={async () => {
        const { url, token, ...flags } = values;
        await api(path, {
          method: 'POST',
          body: { url: url.trim(), ...(token !== '' && { token }), ...flags },
        });
        reset();
        onAdded();
      }}
    >
      <TextField
        label="URL"
        type="url"
        value={values.url}
        onChange={set('url')}
        required
        placeholder="https://chat.example.com/hooks/…"
      />
      <TextField
        label="Secret token"
        type="password"
        value={values.token}
        onChange={set('token')}
        hint="Optional: signs each delivery; never shown again."
      />
      <fieldset className="settings-fieldset">
        <legend>Events</legend>
        {TRIGGERS.map((choice) => (
          <CheckboxField
            key={choice.value}
            label={choice.label}
            checked={values[choice.value]}
            onChange={set(choice.value)}
          />
        ))}
      </fieldset>
    </FormCard>
  );
}
