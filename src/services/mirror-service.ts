import { randomBytes } from 'node:crypto';
import type { Actor } from '../domain/actor.ts';
import { GantryError, notFound } from '../domain/errors.ts';
import type { RefUpdate } from '../git/bare-repository.ts';
import { verifyIncomingWebhook } from '../git/incoming-webhook.ts';
import { fetchMirror, validateMirrorUrl } from '../git/mirror.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { ProjectRepository, ProjectRow } from '../store/repositories/project-repository.ts';
import type { ProjectAccess } from './project-access.ts';
import type { PushRecorder } from './push-recorder.ts';
import type { RepositoryStorage } from './repository-storage.ts';

/** What a maintainer sees of a mirror: where it pulls from and how to point a webhook at it. */
export interface MirrorSettings {
  url: string;
  username: string | null;
  has_password: boolean;
  webhook_url: string;
  webhook_secret: string;
  last_fetched_at: string | null;
  last_error: string | null;
}

type FetchOutcome = { updates: RefUpdate[] } | { error: unknown };

const passwordContext = (projectId: number) => `project:${projectId}:mirror_password`;
const webhookContext = (projectId: number) => `project:${projectId}:mirror_webhook_secret`;

/**
 * Pull mirrors: projects whose repository follows an external URL. Fetches run on a schedule, when
 * a verified webhook arrives, or on request; each fetch's ref changes become push events, exactly
 * as a push to a hosted repository does. Fetches of one project never overlap.
 */
export class MirrorService {
  readonly #projects: ProjectRepository;
  readonly #access: ProjectAccess;
  readonly #storage: RepositoryStorage;
  readonly #recorder: PushRecorder;
  readonly #secrets: SecretBox;
  readonly #externalUrl: string;
  readonly #allowLocal: boolean;
  readonly #running = new Map<number, Promise<FetchOutcome>>();
  readonly #queued = new Map<number, Promise<FetchOutcome>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: {
    projects: ProjectRepository;
    access: ProjectAccess;
    storage: RepositoryStorage;
    recorder: PushRecorder;
    secrets: SecretBox;
    externalUrl: string;
    /** Accept file:// and local paths as mirror URLs; for tests only, it would expose the server's disk. */
    allowLocalUrls?: boolean;
  }) {
    this.#projects = deps.projects;
    this.#access = deps.access;
    this.#storage = deps.storage;
    this.#recorder = deps.recorder;
    this.#secrets = deps.secrets;
    this.#externalUrl = deps.externalUrl;
    this.#allowLocal = deps.allowLocalUrls ?? false;
  }

  /** Validates a mirror URL (http or https, no credentials in it). */
  checkUrl(url: string): string {
    return validateMirrorUrl(url, this.#allowLocal);
  }

  /**
   * Stores mirror settings: the password encrypted, a webhook secret generated on first use.
   * A null URL turns the project back into a hosted one.
   */
  async configure(
    project: ProjectRow,
    settings: { url: string | null; username: string | null; password: string | null | undefined },
  ): Promise<ProjectRow> {
    if (settings.url === null) {
      const updated = await this.#projects.update(project.id, {
        mirror_url: null,
        mirror_username: null,
        mirror_password_encrypted: null,
        mirror_webhook_secret_encrypted: null,
        mirror_last_error: null,
      });
      return updated ?? project;
    }
    const url = this.checkUrl(settings.url);
    const password =
      settings.password === undefined
        ? project.mirror_password_encrypted
        : settings.password === null
          ? null
          : this.#secrets.encrypt(settings.password, passwordContext(project.id));
    const webhookSecret =
      project.mirror_webhook_secret_encrypted ??
      this.#secrets.encrypt(randomBytes(24).toString('base64url'), webhookContext(project.id));
    const updated = await this.#projects.update(project.id, {
      mirror_url: url,
      mirror_username: settings.username,
      mirror_password_encrypted: password,
      mirror_webhook_secret_encrypted: webhookSecret,
    });
    return updated ?? project;
  }

  async settings(actor: Actor, ref: string): Promise<MirrorSettings> {
    const project = await this.#access.require(actor, ref, 'manageProject');
    if (project.mirror_url === null || project.mirror_webhook_secret_encrypted === null) {
      throw notFound('mirror (this project is hosted, not mirrored)');
    }
    return {
      url: project.mirror_url,
      username: project.mirror_username,
      has_password: project.mirror_password_encrypted !== null,
      webhook_url: `${this.#externalUrl}/api/v1/projects/${project.id}/mirror/webhook`,
      webhook_secret: this.#secrets.decrypt(
        project.mirror_webhook_secret_encrypted,
        webhookContext(project.id),
      ),
      last_fetched_at: project.mirror_last_fetched_at,
      last_error: project.mirror_last_error,
    };
  }

  /** Fetches now on a user's request (developers and above). */
  async pull(actor: Actor, ref: string): Promise<RefUpdate[]> {
    const project = await this.#access.require(actor, ref, 'push');
    if (project.mirror_url === null) throw new GantryError('bad_request', `${project.path} is not a mirror`);
    return this.fetchNow(project, { failOnError: true });
  }

  /**
   * Handles an incoming GitHub, GitLab or Gitea webhook: verifies its signature against the
   * project's secret, then fetches. Unknown projects and bad signatures get the same answer.
   */
  async handleWebhook(
    projectId: number,
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
  ): Promise<{ provider: string; event: string; fetched: boolean }> {
    const project = await this.#projects.findById(projectId);
    if (!project || project.mirror_url === null || project.mirror_webhook_secret_encrypted === null) {
      throw new GantryError(
        'unauthorized',
        'webhook signature does not match (or the project is not a mirror)',
      );
    }
    const secret = this.#secrets.decrypt(project.mirror_webhook_secret_encrypted, webhookContext(project.id));
    const { provider, event } = verifyIncomingWebhook(headers, rawBody, secret);
    if (event !== 'push') return { provider, event, fetched: false };
    await this.fetchNow(project, { failOnError: false });
    return { provider, event, fetched: true };
  }

  /**
   * Fetches a mirror, records its ref changes as push events and remembers the outcome. Requests
   * coalesce: while a fetch runs, later requests share one follow-up fetch (which sees everything
   * they were asking about), so a slow upstream never builds an unbounded queue.
   */
  async fetchNow(project: ProjectRow, options: { failOnError: boolean }): Promise<RefUpdate[]> {
    const outcome = await this.#request(project.id);
    if ('error' in outcome) {
      if (options.failOnError) throw outcome.error;
      return [];
    }
    return outcome.updates;
  }

  #request(projectId: number): Promise<FetchOutcome> {
    const queued = this.#queued.get(projectId);
    if (queued) return queued;
    const running = this.#running.get(projectId);
    if (!running) return this.#start(projectId);
    const next = running.then(() => {
      this.#queued.delete(projectId);
      return this.#start(projectId);
    });
    this.#queued.set(projectId, next);
    return next;
  }

  #start(projectId: number): Promise<FetchOutcome> {
    const fetching = this.#fetch(projectId).finally(() => {
      if (this.#running.get(projectId) === fetching) this.#running.delete(projectId);
    });
    this.#running.set(projectId, fetching);
    return fetching;
  }

  async #fetch(projectId: number): Promise<FetchOutcome> {
    const project = await this.#projects.findById(projectId);
    if (!project || project.mirror_url === null) return { updates: [] };
    try {
      const password =
        project.mirror_password_encrypted === null
          ? undefined
          : this.#secrets.decrypt(project.mirror_password_encrypted, passwordContext(project.id));
      const updates = await fetchMirror({
        repositoryDir: this.#storage.pathOf(project.id),
        url: project.mirror_url,
        username: project.mirror_username ?? undefined,
        password,
        allowLocal: this.#allowLocal,
      });
      await this.#projects.update(project.id, {
        mirror_last_fetched_at: new Date().toISOString(),
        mirror_last_error: null,
      });
      await this.#recorder.record(project.id, null, updates);
      return { updates };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.#projects.update(project.id, { mirror_last_error: message }).catch(() => undefined);
      return { error };
    }
  }

  /** Starts fetching every mirror each `intervalSeconds` (0: never). */
  startSchedule(intervalSeconds: number, onError: (error: unknown) => void): void {
    if (intervalSeconds <= 0) return;
    this.#timer = setInterval(() => {
      this.#projects
        .listMirrors()
        // A mirror still fetching since the last tick is left alone rather than queued again.
        .then((mirrors) =>
          Promise.all(
            mirrors
              .filter((p) => !this.#running.has(p.id))
              .map((p) => this.fetchNow(p, { failOnError: false })),
          ),
        )
        .catch(onError);
    }, intervalSeconds * 1000);
    this.#timer.unref();
  }

  /** Stops the schedule and waits for fetches under way (and the follow-ups already promised). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.allSettled([...this.#running.values(), ...this.#queued.values()]);
  }
}
