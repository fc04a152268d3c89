import { useId, useState } from 'react';
import { Link } from 'wouter';
import { api } from '../api/api-client.ts';
import type { RebuildPipelines, RebuildSchedule, RebuildScheduleRun } from '../api/rebuild-types.ts';
import { usePagedApi } from '../api/use-api.ts';
import { ConfirmButton, DeleteButton } from '../components/action-button.tsx';
import { ActionsHeading } from '../components/actions-heading.tsx';
import { ErrorMessage } from '../components/error-message.tsx';
import { PagedList } from '../components/paged-list.tsx';
import { RebuildStarted } from '../components/rebuild-button.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { useAction } from '../components/use-action.ts';
import { UserLabel } from '../components/user-name.tsx';
import { atLeast } from '../lib/access-level.ts';
import { formatDateTime, timeUntil } from '../lib/format-time.ts';
import {
  EMPTY_REBUILD_SCHEDULE_FORM,
  type RebuildScheduleForm,
  rebuildScheduleBody,
  scheduledEnvironments,
} from '../lib/rebuild-schedule.ts';
import { useProject } from '../project-context.tsx';
import { CheckboxField, TextField } from './fields.tsx';
import { FormCard } from './form-card.tsx';
import { SettingsSection } from './settings-section.tsx';
import { useFields } from './use-fields.ts';

/** Every IANA zone the browser knows, offered while typing. */
const ZONES: readonly string[] = Intl.supportedValuesOf?.('timeZone') ?? [];

/**
 * Rebuild schedules: on a cron, the environments named (or every one) are rebuilt — the pipeline
 * of the commit each runs is run again without build cache and its fresh images deployed, so a
 * fixed base image reaches what is deployed without a new commit. Maintainers add, run and delete.
 */
export function RebuildSchedulesSection({ level }: { level: number | undefined }) {
  const { api: projectApi } = useProject();
  const path = `${projectApi}/rebuild_schedules`;
  const list = usePagedApi<RebuildSchedule>(path);
  const mayManage = atLeast(level, 'maintainer');
  return (
    <SettingsSection
      title="Rebuild schedules"
      description={
        <>
          Rebuild what environments run on a schedule (five-field cron, read in the time zone): each
          environment's deployed commit is built again with <code>GANTRY_REBUILD=1</code> and no build cache,
          and the fresh images are deployed. <code>0 4 * * 1</code> rebuilds every Monday at 04:00.
        </>
      }
    >
      <PagedList list={list} empty="No rebuild schedules.">
        {(items) => (
          <div className="table-wrap">
            <table aria-label="Rebuild schedules">
              <thead>
                <tr>
                  <th>Schedule</th>
                  <th>Environments</th>
                  <th>Next run</th>
                  <th>Last run</th>
                  <th className="hide-small">Owner</th>
                  {mayManage && <ActionsHeading />}
                </tr>
              </thead>
              <tbody>
                {items.map((schedule) => (
                  <ScheduleRow
                    key={schedule.id}
                    path={`${path}/${schedule.id}`}
                    schedule={schedule}
                    mayManage={mayManage}
                    onChange={list.reload}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </PagedList>
      {mayManage && <AddScheduleForm path={path} onAdded={list.reload} />}
    </SettingsSection>
  );
}

function ScheduleRow({
  path,
  schedule,
  mayManage,
  onChange,
}: {
  path: string;
  schedule: RebuildSchedule;
  mayManage: boolean;
  onChange: () => void;
}) {
  const [played, setPlayed] = useState<RebuildPipelines>();
  const toggle = useAction(async () => {
    await api(path, { method: 'PUT', body: { active: !schedule.active } });
    onChange();
  });
  const environments = scheduledEnvironments(schedule.environments);
  return (
    <tr data-rebuild-schedule={schedule.id}>
      <td>
        <strong>{schedule.description}</strong>
        <div className="muted">
          <code>{schedule.cron}</code> {schedule.cron_timezone}
        </div>
      </td>
      <td>{environments}</td>
      <td>
        {!schedule.active ? (
          <StatusBadge status="inactive" />
        ) : schedule.next_run_at ? (
          <time dateTime={schedule.next_run_at} title={formatDateTime(schedule.next_run_at)}>
            {timeUntil(schedule.next_run_at)}
          </time>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>
        {played ? <RebuildStarted pipelines={played} /> : <LastRun run={schedule.last_run} />}
        <ErrorMessage error={toggle.error} />
      </td>
      <td className="hide-small">
        <UserLabel user={schedule.owner} nobody="—" />
      </td>
      {mayManage && (
        <td>
          <div className="settings-actions">
            <button
              type="button"
              className="button button-small"
              disabled={toggle.busy}
              onClick={() => void toggle.run()}
            >
              {schedule.active ? 'Deactivate' : 'Activate'}
            </button>
            <ConfirmButton
              small
              label="Run now"
              title={`Run “${schedule.description}” now?`}
              confirmLabel="Rebuild"
              onConfirm={async () => {
                setPlayed(await api<RebuildPipelines>(`${path}/play`, { method: 'POST' }));
                onChange();
              }}
            >
              <p>
                Rebuilds {environments} now and deploys the fresh images; the schedule keeps its next run.
              </p>
            </ConfirmButton>
            <DeleteButton title={`Delete “${schedule.description}”?`} path={path} onDeleted={onChange}>
              <p>
                {environments} will no longer be rebuilt on this schedule. Rebuilds already started go on.
              </p>
            </DeleteButton>
          </div>
        </td>
      )}
    </tr>
  );
}

/** A schedule's last run: when, whether it started its pipelines (linked), or why not. */
function LastRun({ run }: { run: RebuildScheduleRun | null }) {
  const { base } = useProject();
  if (!run) return <span className="muted">never</span>;
  return (
    <div className="stack settings-tight">
      <span className="row">
        <StatusBadge status={run.status} />
        <TimeAgo iso={run.at} />
        {run.pipelines.map((pipeline) => (
          <Link key={pipeline.id} href={`${base}/pipelines/${pipeline.id}`}>
            #{pipeline.iid}
          </Link>
        ))}
      </span>
      {run.error && <span className="muted">{run.error}</span>}
    </div>
  );
}

function AddScheduleForm({ path, onAdded }: { path: string; onAdded: () => void }) {
  const { values, set, reset } = useFields<RebuildScheduleForm>(EMPTY_REBUILD_SCHEDULE_FORM);
  const ids = useId();
  return (
    <FormCard
      title="Add a rebuild schedule"
      submitLabel="Add schedule"
      onSubmit={async () => {
        await api(path, { method: 'POST', body: rebuildScheduleBody(values) });
        reset();
        onAdded();
      }}
    >
      <TextField
        label="Description"
        value={values.description}
        onChange={set('description')}
        required
        placeholder="Weekly base image refresh"
      />
      <TextField
        label="Cron"
        value={values.cron}
        onChange={set('cron')}
        required
        placeholder="0 4 * * 1"
        hint="minute hour day-of-month month day-of-week"
      />
      <div className="field">
        <label htmlFor={`${ids}-zone`}>Time zone</label>
        <input
          id={`${ids}-zone`}
          list={`${ids}-zones`}
          value={values.cronTimezone}
          onChange={(event) => set('cronTimezone')(event.target.value)}
          autoComplete="off"
          aria-describedby={`${ids}-zone-hint`}
        />
        <datalist id={`${ids}-zones`}>
          {ZONES.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <span id={`${ids}-zone-hint`} className="hint">
          An IANA zone such as Europe/Berlin; daylight saving is followed.
        </span>
      </div>
      <TextField
        label="Environments"
        value={values.environments}
        onChange={set('environments')}
        placeholder="staging, production"
        hint="Names separated by commas or spaces; empty for every environment that runs a deployment."
      />
      <CheckboxField
        label="Active"
        checked={values.active}
        onChange={set('active')}
        hint="An inactive schedule runs only when run by hand."
      />
    </FormCard>
  );
}
