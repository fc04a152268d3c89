import type { SecretBox } from '../secrets/secret-box.ts';
import type {
  DeliveryAttempt,
  HookDeliveryRepository,
  HookDeliveryRow,
} from '../store/repositories/hook-delivery-repository.ts';
import type { ProjectHookRepository } from '../store/repositories/project-hook-repository.ts';
import type { TargetRepository } from '../store/repositories/target-repository.ts';
import { DEFAULT_BACKOFF_SECONDS, deliveryOutcome } from './delivery-backoff.ts';
import { projectHookSecretContext, targetSecretContext } from './webhook-secrets.ts';
import { SIGNATURE_HEADER, signWebhookBody } from './webhook-signature.ts';

/** The `User-Agent` of every delivery. */
export const WEBHOOK_USER_AGENT = 'Gantry-Hookshot';
/** How much of a receiver's answer the delivery log keeps. */
export const RESPONSE_BODY_LIMIT = 2048;

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_CONCURRENCY = 4;
/** Timers longer than this are re-armed in steps (setTimeout holds at most about 24.8 days). */
const MAX_TIMER_MS = 3_600_000;
/** After a failed round (database down), the next one is tried this much later. */
const ERROR_RETRY_MS = 5_000;

export interface WebhookOutboxOptions {
  deliveries: HookDeliveryRepository;
  hooks: ProjectHookRepository;
  targets: TargetRepository;
  secrets: SecretBox;
  /** Seconds before each retry; `length + 1` attempts in all (default 10 s, 30 s, 2 min, 10 min, 1 h). */
  backoffSeconds?: readonly number[];
  /** How long one attempt may take, answer included (default 10 s). */
  timeoutMs?: number;
  /** Deliveries sent at once (default 4). */
  concurrency?: number;
  /** The clock deciding what is due (tests). */
  now?: () => Date;
  /** Reports errors of the worker itself (not of receivers, which the delivery log records). */
  onError?: (error: unknown, deliveryId: number | null) => void;
}

/** Where a delivery goes, read when it is sent so changed URLs and secrets apply to retries. */
interface Destination {
  url: string;
  secret: string | null;
}

/**
 * The outbox of outgoing webhooks. Deliveries are rows of `hook_deliveries`: enqueuing inserts one,
 * the worker POSTs it (JSON, signed with the hook's or target's secret) when due, and records each
 * attempt; failures are retried with backoff until the attempts run out. One timer sleeps until the
 * earliest due delivery and is re-armed after enqueues and rounds, so nothing polls; deliveries left
 * pending when the server stopped are sent after it starts again.
 */
export class WebhookOutbox {
  readonly #deliveries: HookDeliveryRepository;
  readonly #hooks: ProjectHookRepository;
  readonly #targets: TargetRepository;
  readonly #secrets: SecretBox;
  readonly #backoff: readonly number[];
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  readonly #now: () => Date;
  readonly #onError: (error: unknown, deliveryId: number | null) => void;

  readonly #inFlight = new Map<number, Promise<void>>();
  #started = false;
  #stopping = false;
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> | undefined;
  #again = false;

  constructor(options: WebhookOutboxOptions) {
    this.#deliveries = options.deliveries;
    this.#hooks = options.hooks;
    this.#targets = options.targets;
    this.#secrets = options.secrets;
    this.#backoff = options.backoffSeconds ?? DEFAULT_BACKOFF_SECONDS;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
    this.#now = options.now ?? (() => new Date());
    this.#onError = options.onError ?? (() => {});
  }

  /** Queues an event for a project hook; returns the delivery's id. */
  enqueueForHook(hook: { id: number; project_id: number }, event: string, payload: object): Promise<number> {
    return this.#enqueue({ project_id: hook.project_id, hook_id: hook.id, target_id: null }, event, payload);
  }

  /**
   * Queues an event for a target (an external deployer: `config.url`, `secret_encrypted`); returns
   * the delivery's id. `projectId` is the project the event belongs to (its delivery log).
   */
  enqueueForTarget(targetId: number, projectId: number, event: string, payload: object): Promise<number> {
    return this.#enqueue({ project_id: projectId, hook_id: null, target_id: targetId }, event, payload);
  }

  /** Sends what is due now (deliveries left from before a restart included), then sleeps until the next. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.kick();
    await this.#round;
  }

  /** Looks for due deliveries now (after an enqueue elsewhere, say); no-op unless started. */
  kick(): void {
    if (!this.#started || this.#stopping) return;
    if (this.#round) {
      this.#again = true;
      return;
    }
    this.#clearTimer();
    this.#round = this.#rounds().finally(() => {
      this.#round = undefined;
    });
  }

  /** Stops the timer and waits for the round and the sends under way; pending deliveries stay queued. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#clearTimer();
    await this.#round;
    await Promise.allSettled([...this.#inFlight.values()]);
  }

  async #enqueue(
    owner: { project_id: number; hook_id: number | null; target_id: number | null },
    event: string,
    payload: object,
  ): Promise<number> {
    const row = await this.#deliveries.insert({
      ...owner,
      event,
      payload: JSON.stringify(payload),
      next_attempt_at: this.#now().toISOString(),
    });
    this.kick();
    return row.id;
  }

  async #rounds(): Promise<void> {
    do {
      this.#again = false;
      try {
        await this.#once();
      } catch (error) {
        this.#onError(error, null);
        if (!this.#again) this.#arm(ERROR_RETRY_MS);
      }
    } while (this.#again && !this.#stopping);
  }

  /** Starts the due deliveries there is room for, then arms the timer for the next due one. */
  async #once(): Promise<void> {
    if (this.#stopping) return;
    const room = this.#concurrency - this.#inFlight.size;
    if (room > 0) {
      const now = this.#now();
      // While a delivery is being sent its due time is pushed past the attempt's timeout (a lease).
      const lease = new Date(now.getTime() + this.#timeoutMs + 30_000).toISOString();
      for (const row of await this.#deliveries.due(now.toISOString(), room)) {
        if (this.#stopping || this.#inFlight.has(row.id)) continue;
        if (
          row.next_attempt_at === null ||
          !(await this.#deliveries.claim(row.id, row.next_attempt_at, lease))
        )
          continue;
        const send = this.#send(row)
          .catch((error: unknown) => this.#onError(error, row.id))
          .finally(() => {
            this.#inFlight.delete(row.id);
            this.kick();
          });
        this.#inFlight.set(row.id, send);
      }
    }
    // A full house re-arms when a send finishes (its kick); otherwise sleep until the next due one.
    if (this.#inFlight.size >= this.#concurrency || this.#stopping) return;
    const next = await this.#deliveries.earliestDue();
    if (next !== null) this.#arm(Date.parse(next) - this.#now().getTime());
  }

  #arm(delayMs: number): void {
    this.#clearTimer();
    if (this.#stopping) return;
    // A few milliseconds at least: a due time that is already past never spins the loop.
    const delay = Math.min(MAX_TIMER_MS, Math.max(10, Number.isFinite(delayMs) ? delayMs : MAX_TIMER_MS));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.kick();
    }, delay);
    this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** One attempt: POST the stored body, then record the answer and what happens next. */
  async #send(row: HookDeliveryRow): Promise<void> {
    const attempts = row.attempts + 1;
    let responseStatus: number | null = null;
    let responseBody: string | null = null;
    let error: string | null = null;
    try {
      const destination = await this.#destination(row);
      if (destination === undefined) {
        await this.#deliveries.record(row.id, {
          status: 'failed',
          attempts,
          next_attempt_at: null,
          response_status: null,
          response_body: null,
          error: 'the hook or target was deleted',
        });
        return;
      }
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': WEBHOOK_USER_AGENT,
        'x-gantry-event': row.event,
        'x-gantry-delivery': String(row.id),
      };
      if (destination.secret !== null)
        headers[SIGNATURE_HEADER] = signWebhookBody(destination.secret, row.payload);
      const signal = AbortSignal.timeout(this.#timeoutMs);
      const response = await fetch(destination.url, {
        method: 'POST',
        headers,
        body: row.payload,
        redirect: 'manual',
        signal,
      });
      responseStatus = response.status;
      responseBody = await readLimited(response, RESPONSE_BODY_LIMIT);
      if (responseStatus < 200 || responseStatus > 299) error = `the receiver answered ${responseStatus}`;
    } catch (caught) {
      error = describeError(caught, this.#timeoutMs);
    }
    const outcome = deliveryOutcome(attempts, error === null, this.#backoff);
    const attempt: DeliveryAttempt = {
      status: outcome.status,
      attempts,
      next_attempt_at:
        outcome.status === 'pending'
          ? new Date(this.#now().getTime() + outcome.retryInSeconds * 1000).toISOString()
          : null,
      response_status: responseStatus,
      response_body: responseBody,
      error,
    };
    await this.#deliveries.record(row.id, attempt);
  }

  async #destination(row: HookDeliveryRow): Promise<Destination | undefined> {
    if (row.hook_id !== null) {
      const hook = await this.#hooks.findById(row.hook_id);
      if (!hook) return undefined;
      return {
        url: hook.url,
        secret:
          hook.secret_encrypted === null
            ? null
            : this.#secrets.decrypt(
                hook.secret_encrypted,
                projectHookSecretContext(hook.project_id, hook.id),
              ),
      };
    }
    if (row.target_id !== null) {
      const target = await this.#targets.findById(row.target_id);
      if (!target) return undefined;
      const url = targetUrl(target.config);
      if (url === undefined) throw new Error(`target ${target.id} has no webhook URL in its configuration`);
      return {
        url,
        secret:
          target.secret_encrypted === null
            ? null
            : this.#secrets.decrypt(target.secret_encrypted, targetSecretContext(target.id)),
      };
    }
    return undefined;
  }
}

/** The webhook URL of a target's configuration (`{ "url": … }`), if it has one. */
export function targetUrl(config: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(config);
    const url =
      typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).url : undefined;
    return typeof url === 'string' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Reads at most `limit` bytes of an answer as text and drops the rest without downloading it. */
async function readLimited(response: Response, limit: number): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  // Cut on a byte count, then decode leniently: a multibyte character split at the edge becomes U+FFFD.
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? cause.message : '';
    return detail ? `${error.message}: ${detail}` : error.message;
  }
  return String(error);
}
