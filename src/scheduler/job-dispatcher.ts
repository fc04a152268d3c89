import { generateToken, hashToken } from '../auth/access-token.ts';
import type { EventBus } from '../events/event-bus.ts';
import { maskedValues } from '../runner/job-spec.ts';
import type { ServerMessage } from '../runner/runner-protocol.ts';
import type { JobRepository, JobRow } from '../store/repositories/job-repository.ts';
import { CoalescedRounds } from './coalesced-rounds.ts';
import type { JobLogStore } from './job-log-store.ts';
import type { JobSpecBuilder } from './job-spec-builder.ts';

export const JOB_TOKEN_PREFIX = 'gtj_';

/** A connected runner as the dispatcher sees it. */
export interface RunnerSession {
  runnerId: number;
  tags: string[];
  runUntagged: boolean;
  concurrency: number;
  running: Set<number>;
  /** Sends a message; false when the connection is already gone. */
  send(message: ServerMessage): boolean;
  /** Drops the connection (the runner was removed). */
  close(): void;
}

/** Whether a runner may take a job: it carries every tag the job asks for; untagged jobs need run_untagged. */
export function runnerMatches(
  session: Pick<RunnerSession, 'tags' | 'runUntagged'>,
  jobTags: string[],
): boolean {
  if (jobTags.length === 0) return session.runUntagged;
  return jobTags.every((tag) => session.tags.includes(tag));
}

export interface JobDispatcherDeps {
  jobs: JobRepository;
  specs: JobSpecBuilder;
  logs: JobLogStore;
  bus: EventBus;
  leaseSeconds: number;
  /** The job could not be prepared (spec, log): fail it as a system failure. */
  onClaimFailed: (job: JobRow, error: unknown) => Promise<void>;
  /** A job started: its pipeline's status may change. */
  onStarted: (job: JobRow) => void;
  onError: (error: unknown) => void;
}

/**
 * Pushes pending jobs to connected runners the moment both exist — no polling. A job is claimed
 * with a guarded update (pending → running, with runner, token hash and lease), so two servers or
 * two dispatch rounds can never hand one job out twice; only then is its spec sent.
 */
export class JobDispatcher {
  readonly #sessions = new Set<RunnerSession>();
  readonly #deps: JobDispatcherDeps;
  readonly #rounds: CoalescedRounds;

  constructor(deps: JobDispatcherDeps) {
    this.#deps = deps;
    // A failed round (a dropped database connection) is logged; the periodic sweep kicks again.
    this.#rounds = new CoalescedRounds(() => this.#round(), deps.onError);
  }

  add(session: RunnerSession): void {
    this.#sessions.add(session);
    this.kick();
  }

  remove(session: RunnerSession): void {
    this.#sessions.delete(session);
  }

  get sessions(): ReadonlySet<RunnerSession> {
    return this.#sessions;
  }

  /** Hands out pending jobs now; calls during a round trigger one more round after it. */
  kick(): void {
    this.#rounds.request();
  }

  /** Resolves when no dispatch round is running (tests, shutdown). */
  idle(): Promise<void> {
    return this.#rounds.idle();
  }

  /** Whether a connected runner holds the job (and will report how it ended). */
  isHeld(jobId: number): boolean {
    return [...this.#sessions].some((session) => session.running.has(jobId));
  }

  /** Tells the runner holding a job to cancel it. */
  cancel(jobId: number): void {
    for (const session of this.#sessions) {
      if (session.running.has(jobId)) session.send({ type: 'cancel', jobId });
    }
  }

  async #round(): Promise<void> {
    const free = () => [...this.#sessions].filter((s) => s.running.size < s.concurrency);
    if (free().length === 0) return;
    const pending = await this.#deps.jobs.listPending(500);
    for (const job of pending) {
      const tags = JSON.parse(job.tags) as string[];
      const session = free().find((s) => runnerMatches(s, tags));
      if (!session) continue;
      await this.#claim(job, session);
      if (free().length === 0) return;
    }
  }

  async #claim(job: JobRow, session: RunnerSession): Promise<void> {
    const token = generateToken(JOB_TOKEN_PREFIX);
    const now = new Date();
    const claimed = await this.#deps.jobs.transition(job.id, ['pending'], {
      status: 'running',
      runner_id: session.runnerId,
      token_hash: hashToken(token),
      lease_expires_at: new Date(now.getTime() + this.#deps.leaseSeconds * 1000).toISOString(),
      started_at: now.toISOString(),
    });
    if (!claimed) return;
    session.running.add(job.id);
    let sent: boolean;
    try {
      const spec = await this.#deps.specs.build(claimed, token);
      await this.#deps.logs.open(job.id, maskedValues(spec));
      // Canceled while its spec was being built: the runner must not start it.
      if ((await this.#deps.jobs.findById(job.id))?.status !== 'running') {
        session.running.delete(job.id);
        await this.#deps.logs.close(job.id);
        return;
      }
      sent = session.send({ type: 'job', spec });
    } catch (error) {
      session.running.delete(job.id);
      await this.#deps.onClaimFailed(claimed, error);
      return;
    }
    if (!sent) {
      // The connection went away between the claim and the send: back to the queue.
      session.running.delete(job.id);
      await this.#deps.logs.close(job.id);
      await this.#deps.jobs.transition(job.id, ['running'], {
        status: 'pending',
        runner_id: null,
        token_hash: null,
        lease_expires_at: null,
        started_at: null,
      });
      this.kick();
      return;
    }
    this.#deps.bus.publish('job', {
      id: job.id,
      pipelineId: job.pipeline_id,
      projectId: job.project_id,
      name: job.name,
      status: 'running',
    });
    this.#deps.onStarted(claimed);
  }
}
