import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { Job } from '../api/pipeline-types.ts';
import { environmentChange, type JobAction, jobActions } from '../lib/job-state.ts';
import { ConfirmButton } from './action-button.tsx';
import { ErrorMessage } from './error-message.tsx';
import { useAction } from './use-action.ts';

const LABELS: Record<JobAction, string> = { play: 'Run', retry: 'Retry', cancel: 'Cancel job' };

/**
 * Run (a manual or delayed job), retry and cancel, as the job's status allows. Cancelling, and
 * running or retrying a job that deploys to or stops an environment, are confirmed first; the
 * API's error shows in the dialog, or under the buttons for the others. `onDone` gets the job the
 * API answered with: for a retry, the new attempt.
 */
export function JobActions({
  job,
  api: projectApi,
  onDone,
}: {
  job: Job;
  /** The project's API prefix (`/projects/3`). */
  api: string;
  onDone: (job: Job, action: JobAction) => void;
}) {
  const run = async (action: JobAction) => {
    const answer = await api<Job>(`${projectApi}/jobs/${job.id}/${action}`, { method: 'POST' });
    onDone(answer, action);
  };
  const unconfirmed = useAction(run);
  // Which unconfirmed button was pressed last, to say "Working…" on it.
  const [pressed, setPressed] = useState<JobAction>();
  const change = environmentChange(job);

  const actions = jobActions(job);
  if (actions.length === 0) return null;
  return (
    <div className="stack">
      <div className="row">
        {actions.map((action) => {
          if (action === 'cancel') {
            return (
              <ConfirmButton
                key={action}
                label={LABELS.cancel}
                title={`Cancel job ${job.name}?`}
                danger
                onConfirm={() => run(action)}
              >
                <p>
                  {job.status === 'running'
                    ? 'Its processes are stopped now; what it did so far stays done.'
                    : 'It will not run.'}
                </p>
              </ConfirmButton>
            );
          }
          if (change) {
            return (
              <ConfirmButton
                key={action}
                label={LABELS[action]}
                title={`${LABELS[action]} job ${job.name}?`}
                onConfirm={() => run(action)}
              >
                <p>
                  This job will {change.verb} <strong>{change.environment}</strong>.
                </p>
              </ConfirmButton>
            );
          }
          return (
            <button
              key={action}
              type="button"
              className={`button${action === 'play' ? ' button-primary' : ''}`}
              disabled={unconfirmed.busy}
              onClick={() => {
                setPressed(action);
                void unconfirmed.run(action);
              }}
            >
              {unconfirmed.busy && pressed === action ? 'Working…' : LABELS[action]}
            </button>
          );
        })}
      </div>
      <ErrorMessage error={unconfirmed.error} />
    </div>
  );
}
