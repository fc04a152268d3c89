import { api } from '../api/api-client.ts';
import type { FreezePeriod } from '../api/settings-types.ts';
import { usePagedApi } from '../api/use-api.ts';
import { DeleteButton } from '../components/action-button.tsx';
import { ActionsHeading } from '../components/actions-heading.tsx';
import { PagedList } from '../components/paged-list.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { formatDateTime } from '../lib/format-time.ts';
import { TextField } from './fields.tsx';
import { FormCard } from './form-card.tsx';
import { SettingsSection } from './settings-section.tsx';
import { useFields } from './use-fields.ts';

/** The browser's zone, the likeliest one for a freeze typed in local time. */
const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
/** Every IANA zone the browser knows, offered while typing. */
const ZONES: readonly string[] = Intl.supportedValuesOf?.('timeZone') ?? [];

/**
 * Freeze windows of a project (`path` = `/projects/3/freeze_periods`) or of the instance
 * (`/freeze_periods`): cron start and end in a time zone, during which deployments to the
 * environments of their scope are refused.
 */
export function FreezeWindowsSection({ path, instance }: { path: string; instance?: boolean }) {
  const list = usePagedApi<FreezePeriod>(path);
  return (
    <SettingsSection
      title={instance ? 'Instance freeze windows' : 'Freeze windows'}
      description={
        <>
          Deployments to matching environments{instance ? ' of every project' : ''} are refused from each
          start to the next end (five-field cron, read in the time zone): <code>0 23 * * 5</code> to{' '}
          <code>0 7 * * 1</code> freezes every weekend.
        </>
      }
    >
      <PagedList list={list} empty="No freeze windows.">
        {(items) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Starts</th>
                  <th>Ends</th>
                  <th className="hide-small">Time zone</th>
                  <th>Environments</th>
                  <th>Now</th>
                  <ActionsHeading />
                </tr>
              </thead>
              <tbody>
                {items.map((period) => (
                  <tr key={period.id} data-freeze-period={period.id}>
                    <td className="settings-nowrap">
                      <code>{period.freeze_start}</code>
                    </td>
                    <td className="settings-nowrap">
                      <code>{period.freeze_end}</code>
                    </td>
                    <td className="hide-small">{period.cron_timezone}</td>
                    <td>
                      <code>{period.environment_scope}</code>
                    </td>
                    <td>
                      {period.active ? (
                        <span className="row">
                          <StatusBadge status="frozen" label="in force" />
                          {period.active_until && (
                            <span className="muted">until {formatDateTime(period.active_until)}</span>
                          )}
                        </span>
                      ) : (
                        <span className="muted">not in force</span>
                      )}
                    </td>
                    <td>
                      <div className="settings-actions">
                        <DeleteButton
                          title="Delete this freeze window?"
                          path={`${path}/${period.id}`}
                          onDeleted={list.reload}
                        >
                          <p>
                            Deployments to <code>{period.environment_scope}</code> are no longer refused from{' '}
                            <code>{period.freeze_start}</code> to <code>{period.freeze_end}</code>.
                          </p>
                        </DeleteButton>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PagedList>
      <AddFreezeForm path={path} onAdded={list.reload} />
    </SettingsSection>
  );
}

function AddFreezeForm({ path, onAdded }: { path: string; onAdded: () => void }) {
  const { values, set, reset } = useFields({
    freeze_start: '',
    freeze_end: '',
    cron_timezone: LOCAL_ZONE,
    environment_scope: '*',
  });
  return (
    <FormCard
      title="Add a freeze window"
      submitLabel="Add freeze window"
      onSubmit={async () => {
        await api(path, {
          method: 'POST',
          body: {
            freeze_start: values.freeze_start.trim(),
            freeze_end: values.freeze_end.trim(),
            cron_timezone: values.cron_timezone.trim() || 'UTC',
            environment_scope: values.environment_scope.trim() || '*',
          },
        });
        reset();
        onAdded();
      }}
    >
      <TextField
        label="Start (cron)"
        value={values.freeze_start}
        onChange={set('freeze_start')}
        required
        placeholder="0 23 * * 5"
        hint="minute hour day-of-month month day-of-week"
      />
      <TextField
        label="End (cron)"
        value={values.freeze_end}
        onChange={set('freeze_end')}
        required
        placeholder="0 7 * * 1"
      />
      <div className="field">
        <label htmlFor="freeze-zone">Time zone</label>
        <input
          id="freeze-zone"
          list="freeze-zones"
          value={values.cron_timezone}
          onChange={(event) => set('cron_timezone')(event.target.value)}
          autoComplete="off"
        />
        <datalist id="freeze-zones">
          {ZONES.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <span className="hint">An IANA zone such as Europe/Berlin; daylight saving is followed.</span>
      </div>
      <TextField
        label="Environment scope"
        value={values.environment_scope}
        onChange={set('environment_scope')}
        hint="* for every environment, a name or a pattern (review/*)."
      />
    </FormCard>
  );
}
