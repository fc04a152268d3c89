/** Environment states, as GitLab names them. */
export const ENVIRONMENT_STATES = ['available', 'stopping', 'stopped'] as const;
export type EnvironmentState = (typeof ENVIRONMENT_STATES)[number];

/** What happens to an environment. */
export type EnvironmentEvent =
  | 'deploy_started'
  | 'stop_job_started'
  | 'stop_succeeded'
  | 'stop_failed'
  | 'stopped_without_job';

const TRANSITIONS: Record<EnvironmentEvent, (state: EnvironmentState) => EnvironmentState> = {
  // A new deployment brings any environment back, stopped ones included.
  deploy_started: () => 'available',
  // Stopping a stopped environment again (a retried stop job) must not make it look alive.
  stop_job_started: (state) => (state === 'stopped' ? 'stopped' : 'stopping'),
  stop_succeeded: () => 'stopped',
  // The stop job failed: whatever ran is presumably still running. A deployment that started in
  // the meantime, or a forced stop, already decided the state, so only `stopping` falls back.
  stop_failed: (state) => (state === 'stopping' ? 'available' : state),
  // No `on_stop` job, or an admin forced it: nothing runs, the environment is simply stopped.
  stopped_without_job: () => 'stopped',
};

/** The state an environment moves to when `event` happens in `state`; never fails. */
export function nextEnvironmentState(state: EnvironmentState, event: EnvironmentEvent): EnvironmentState {
  return TRANSITIONS[event](state);
}
