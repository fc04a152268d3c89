import type { WebSocket } from 'ws';
import { hashToken } from '../auth/access-token.ts';
import type { JobResult } from '../runner/job-spec.ts';
import {
  decodeLogFrame,
  parseMessage,
  type RunnerMessage,
  type ServerMessage,
} from '../runner/runner-protocol.ts';
import type { JobRepository, JobRow } from '../store/repositories/job-repository.ts';
import type { RunnerRepository, RunnerRow } from '../store/repositories/runner-repository.ts';
import type { JobCompletion } from './job-completion.ts';
import type { JobDispatcher, RunnerSession } from './job-dispatcher.ts';
import type { JobLogStore } from './job-log-store.ts';

const MAX_CONCURRENCY = 64;
const RESULT_STATUSES = new Set(['success', 'failed', 'canceled']);

/**
 * The server's side of runner WebSockets: authenticates runners, registers them with the
 * dispatcher once they say hello, renews the leases of their jobs on heartbeats, stores log
 * frames, and ends jobs when they report results. A runner that reconnects reclaims its running
 * jobs; one that never comes back loses them when their leases expire.
 */
export class RunnerGateway {
  readonly #deps: RunnerGatewayDeps;

  constructor(deps: RunnerGatewayDeps) {
    this.#deps = deps;
  }

  /** The active runner a token belongs to, or undefined. */
  async authenticate(token: string): Promise<RunnerRow | undefined> {
    const runner = await this.#deps.runners.findByTokenHash(hashToken(token));
    return runner?.active === 1 ? runner : undefined;
  }

  get heartbeatSeconds(): number {
    return Math.max(1, Math.floor(this.#deps.leaseSeconds / 4));
  }

  attach(socket: WebSocket, runner: RunnerRow): void {
    let session: RunnerSession | undefined;
    let closed = false;
    // Jobs the last heartbeat did not list (see #renew).
    const unreported = new Set<number>();
    const send = (message: ServerMessage): boolean => {
      if (socket.readyState !== socket.OPEN) return false;
      socket.send(JSON.stringify(message));
      return true;
    };
    const closeWith = (reason: string) => socket.close(1008, reason);
    let queue = Promise.resolve();
    // Messages are handled strictly in order, each task seeing the state the ones before it left:
    // a log frame is stored before the job's result, and nothing is judged before hello is done.
    const enqueue = (task: () => Promise<void>) => {
      queue = queue
        .then(task)
        .catch((error: unknown) => this.#deps.log(`runner ${runner.id}: ${String(error)}`));
    };

    socket.on('message', (data, isBinary) => {
      const buffer = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data);
      if (isBinary) {
        const frame = decodeLogFrame(buffer);
        if (!frame) return;
        enqueue(async () => {
          if (session?.running.has(frame.jobId)) await this.#deps.logs.append(frame.jobId, frame.data);
        });
        return;
      }
      const message = parseMessage<RunnerMessage>(buffer.toString('utf8'), [
        'hello',
        'heartbeat',
        'finished',
      ]);
      if (!message) return closeWith('malformed message');
      if (message.type === 'hello') {
        const hello = message;
        enqueue(async () => {
          if (session) return closeWith('hello sent twice');
          const current: RunnerSession = {
            runnerId: runner.id,
            tags: JSON.parse(runner.tags) as string[],
            runUntagged: runner.run_untagged === 1,
            concurrency: Math.max(1, Math.min(MAX_CONCURRENCY, Math.floor(Number(hello.concurrency) || 1))),
            running: new Set(),
            send,
            close: () => socket.close(1008, 'runner removed'),
          };
          session = current;
          await this.#reclaim(current, Array.isArray(hello.running) ? hello.running : []);
          send({ type: 'welcome', runnerId: runner.id, heartbeatSeconds: this.heartbeatSeconds });
          await this.#deps.runners.touch(runner.id, new Date().toISOString());
          // A socket that closed while hello was handled must never receive jobs.
          if (!closed) this.#deps.dispatcher.add(current);
        });
        return;
      }
      if (message.type === 'heartbeat') {
        const reported = new Set(Array.isArray(message.running) ? message.running : []);
        enqueue(async () => {
          if (!session) return closeWith('say hello first');
          await this.#renew(session, { reported, unreported });
        });
        return;
      }
      const { jobId, result } = message;
      if (!isResult(result)) return closeWith('malformed result');
      enqueue(async () => {
        if (!session) return closeWith('say hello first');
        if (!session.running.has(jobId)) return;
        // The runner's slot is free now: hand it the next job while this one's pipeline moves on.
        session.running.delete(jobId);
        const finishing = this.#deps.completion.finish(jobId, runner.id, result);
        this.#deps.dispatcher.kick();
        await finishing;
        this.#deps.dispatcher.kick();
      });
    });
    socket.on('close', () => {
      closed = true;
      if (session) this.#deps.dispatcher.remove(session);
    });
    socket.on('error', () => socket.terminate());
  }

  /** Disconnects every session of a runner (it was removed or deactivated). */
  disconnect(runnerId: number): void {
    for (const session of this.#deps.dispatcher.sessions) {
      if (session.runnerId === runnerId) session.close();
    }
  }

  /**
   * Extends the leases of jobs the runner still reports running. A job the server believes the
   * runner holds but the runner no longer reports (its result got lost) is given up: its lease is
   * left to expire, which fails it as "runner lost" instead of keeping it running forever. Only a
   * job missing from two heartbeats in a row is given up: a heartbeat can leave the runner while a
   * job sent to it is still on the way, and that job must not be forgotten.
   */
  async #renew(
    session: RunnerSession,
    heartbeat?: { reported: ReadonlySet<unknown>; unreported: Set<number> },
  ): Promise<void> {
    if (heartbeat) {
      const { reported, unreported } = heartbeat;
      for (const jobId of [...unreported]) if (!session.running.has(jobId)) unreported.delete(jobId);
      for (const jobId of [...session.running]) {
        if (reported.has(jobId)) unreported.delete(jobId);
        else if (unreported.delete(jobId)) session.running.delete(jobId);
        else unreported.add(jobId);
      }
    }
    const until = new Date(Date.now() + this.#deps.leaseSeconds * 1000).toISOString();
    await this.#deps.jobs.renewLeases(session.runnerId, [...session.running], until);
    await this.#deps.runners.touch(session.runnerId, new Date().toISOString());
  }

  /** A reconnecting runner keeps the jobs it still runs and that are still its own. */
  async #reclaim(session: RunnerSession, ids: unknown[]): Promise<void> {
    for (const id of ids) {
      if (typeof id !== 'number') continue;
      const job = await this.#deps.jobs.findById(id);
      if (job?.status !== 'running' || job.runner_id !== session.runnerId) {
        session.send({ type: 'cancel', jobId: id });
        continue;
      }
      session.running.add(id);
      await this.#deps.logs.open(id, await this.#deps.maskedValues(job));
    }
    await this.#renew(session);
  }
}

export interface RunnerGatewayDeps {
  runners: RunnerRepository;
  jobs: JobRepository;
  logs: JobLogStore;
  dispatcher: JobDispatcher;
  completion: JobCompletion;
  leaseSeconds: number;
  /** The masked values of a job's variables, to mask its log after a reconnect. */
  maskedValues: (job: JobRow) => Promise<string[]>;
  log: (line: string) => void;
}

function isResult(value: unknown): value is JobResult {
  const result = value as Partial<JobResult> | null;
  return typeof result === 'object' && result !== null && RESULT_STATUSES.has(result.status as string);
}
