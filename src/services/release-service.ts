import type { Actor } from '../domain/actor.ts';
import { badRequest, conflict, GantryError, notFound } from '../domain/errors.ts';
import type { Page, PageRequest } from '../domain/pagination.ts';
import {
  assertDistinctLinks,
  type ReleaseLinkInput,
  type ReleaseLinkType,
  type ValidReleaseLink,
  validReleaseLink,
} from '../domain/release-link.ts';
import type { EventBus } from '../events/event-bus.ts';
import { ZERO_OID } from '../git/bare-repository.ts';
import { CommitReader } from '../git/commit-reader.ts';
import { GitCommandError, runGit } from '../git/run-git.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';
import type {
  ReleaseLinkRow,
  ReleaseLinkUpdate,
  ReleaseOrder,
  ReleaseRepository,
  ReleaseUpdate,
  ReleaseWithAuthor,
  TagDeployment,
} from '../store/repositories/release-repository.ts';
import type { ProjectAccess } from './project-access.ts';
import type { PushRecorder } from './push-recorder.ts';
import type { RepositoryStorage } from './repository-storage.ts';

/** How many deployments of its tag a release shows. */
export const RELEASE_DEPLOYMENTS_SHOWN = 20;

/** A release with its asset links and the newest deployments of its tag. */
export interface Release extends ReleaseWithAuthor {
  links: ReleaseLinkRow[];
  deployments: TagDeployment[];
}

/** A release to create, with GitLab's field names. */
export interface ReleaseInput {
  tag_name: string;
  /** Defaults to the tag name. */
  name?: string;
  /** Markdown, stored as given. */
  description?: string;
  /** ISO-8601; defaults to now. */
  released_at?: string;
  /** A branch, tag or commit to create the tag at when it does not exist yet. */
  ref?: string;
  assets?: { links?: ReleaseLinkInput[] };
}

export interface ReleaseChanges {
  name?: string;
  description?: string;
  released_at?: string;
}

export interface ReleaseListOptions {
  orderBy?: ReleaseOrder;
  sort?: 'asc' | 'desc';
}

const MAX_LINKS = 100;

/**
 * Releases (GitLab's Releases API): notes in Markdown and asset links attached to a tag, listing
 * the deployments of that tag. Reporters read them; developers create, change and delete them.
 * Creating a release for a tag that does not exist yet creates the tag (lightweight) at `ref`,
 * recorded as a push, so tag pipelines run as after `git push`. Deleting a release keeps its tag.
 * Every change is published as a `release` event.
 */
export class ReleaseService {
  readonly #releases: ReleaseRepository;
  readonly #access: ProjectAccess;
  readonly #storage: RepositoryStorage;
  readonly #recorder: PushRecorder;
  readonly #bus: EventBus;

  constructor(deps: {
    releases: ReleaseRepository;
    access: ProjectAccess;
    storage: RepositoryStorage;
    recorder: PushRecorder;
    bus: EventBus;
  }) {
    this.#releases = deps.releases;
    this.#access = deps.access;
    this.#storage = deps.storage;
    this.#recorder = deps.recorder;
    this.#bus = deps.bus;
  }

  /** A page of the project's releases, newest `released_at` first unless asked otherwise. */
  async list(
    actor: Actor,
    projectRef: string,
    page: PageRequest,
    options: ReleaseListOptions = {},
  ): Promise<Page<Release>> {
    const project = await this.#access.require(actor, projectRef, 'read');
    const [rows, total] = await Promise.all([
      this.#releases.list(project.id, options.orderBy ?? 'released_at', options.sort ?? 'desc', page),
      this.#releases.count(project.id),
    ]);
    return { items: await this.#complete(project.id, rows), total, request: page };
  }

  async get(actor: Actor, projectRef: string, tagName: string): Promise<Release> {
    const project = await this.#access.require(actor, projectRef, 'read');
    return this.#one(project.id, await this.#find(project, tagName));
  }

  async create(actor: Actor, projectRef: string, input: ReleaseInput): Promise<Release> {
    const project = await this.#access.require(actor, projectRef, 'push');
    const tagName = input.tag_name;
    await assertTagName(tagName);
    const links = (input.assets?.links ?? []).map((link, index) =>
      validReleaseLink(link, `/assets/links/${index}`),
    );
    if (links.length > MAX_LINKS) {
      throw new GantryError('validation_failed', `a release has at most ${MAX_LINKS} asset links`, [
        { path: '/assets/links', message: `at most ${MAX_LINKS} links` },
      ]);
    }
    assertDistinctLinks(links);
    const releasedAt = timestamp(input.released_at, '/released_at');
    if (await this.#releases.find(project.id, tagName)) throw alreadyReleased(tagName);

    const dir = this.#storage.pathOf(project.id);
    let sha = await tagCommit(dir, tagName);
    if (sha === undefined) sha = await this.#createTag(actor, project, tagName, input.ref);

    let row: { id: number };
    try {
      row = await this.#releases.insert(
        {
          project_id: project.id,
          tag_name: tagName,
          name: input.name ?? tagName,
          description: input.description ?? '',
          sha,
          author_id: actor.userId,
          released_at: releasedAt,
        },
        links,
      );
    } catch (error) {
      // Two requests for one tag: the unique index lets only one in.
      if (await this.#releases.find(project.id, tagName)) throw alreadyReleased(tagName);
      throw error;
    }
    this.#publish(row.id, project.id, tagName, 'create');
    return this.#one(project.id, await this.#find(project, tagName));
  }

  /** Changes the name, notes or release date; the tag and its commit stay. */
  async update(actor: Actor, projectRef: string, tagName: string, changes: ReleaseChanges): Promise<Release> {
    const project = await this.#access.require(actor, projectRef, 'push');
    const release = await this.#find(project, tagName);
    const values: ReleaseUpdate = {};
    if (changes.name !== undefined) values.name = changes.name;
    if (changes.description !== undefined) values.description = changes.description;
    if (changes.released_at !== undefined)
      values.released_at = timestamp(changes.released_at, '/released_at');
    if (Object.keys(values).length === 0) {
      throw badRequest('give at least one of name, description and released_at to change', [
        { path: '', message: 'expected name, description or released_at' },
      ]);
    }
    await this.#releases.update(release.id, values);
    this.#publish(release.id, project.id, tagName, 'update');
    return this.#one(project.id, await this.#find(project, tagName));
  }

  /** Deletes the release and its asset links; the tag stays in the repository. */
  async delete(actor: Actor, projectRef: string, tagName: string): Promise<void> {
    const project = await this.#access.require(actor, projectRef, 'push');
    const release = await this.#find(project, tagName);
    if (await this.#releases.delete(release.id)) this.#publish(release.id, project.id, tagName, 'delete');
  }

  async listLinks(actor: Actor, projectRef: string, tagName: string): Promise<ReleaseLinkRow[]> {
    const project = await this.#access.require(actor, projectRef, 'read');
    const release = await this.#find(project, tagName);
    return this.#releases.links([release.id]);
  }

  async getLink(actor: Actor, projectRef: string, tagName: string, linkId: number): Promise<ReleaseLinkRow> {
    const project = await this.#access.require(actor, projectRef, 'read');
    return this.#findLink(await this.#find(project, tagName), linkId);
  }

  async createLink(
    actor: Actor,
    projectRef: string,
    tagName: string,
    input: ReleaseLinkInput,
  ): Promise<ReleaseLinkRow> {
    const project = await this.#access.require(actor, projectRef, 'push');
    const release = await this.#find(project, tagName);
    const link = validReleaseLink(input, '');
    const existing = await this.#releases.links([release.id]);
    if (existing.length >= MAX_LINKS) {
      throw new GantryError('validation_failed', `a release has at most ${MAX_LINKS} asset links`);
    }
    assertNoClash(existing, link);
    const row = await this.#releases.insertLink(release.id, link);
    await this.#changed(release, project.id);
    return row;
  }

  async updateLink(
    actor: Actor,
    projectRef: string,
    tagName: string,
    linkId: number,
    changes: Partial<ReleaseLinkInput>,
  ): Promise<ReleaseLinkRow> {
    const project = await this.#access.require(actor, projectRef, 'push');
    const release = await this.#find(project, tagName);
    const link = await this.#findLink(release, linkId);
    if (changes.name === undefined && changes.url === undefined && changes.link_type === undefined) {
      throw badRequest('give at least one of name, url and link_type to change', [
        { path: '', message: 'expected name, url or link_type' },
      ]);
    }
    const merged = validReleaseLink(
      {
        name: changes.name ?? link.name,
        url: changes.url ?? link.url,
        link_type: changes.link_type ?? (link.link_type as ReleaseLinkType),
      },
      '',
    );
    const others = (await this.#releases.links([release.id])).filter((other) => other.id !== link.id);
    assertNoClash(others, merged);
    const values: ReleaseLinkUpdate = {};
    if (changes.name !== undefined) values.name = merged.name;
    if (changes.url !== undefined) values.url = merged.url;
    if (changes.link_type !== undefined) values.link_type = merged.link_type;
    const row = await this.#releases.updateLink(link.id, values);
    if (!row) throw linkNotFound(tagName, linkId);
    await this.#changed(release, project.id);
    return row;
  }

  async deleteLink(actor: Actor, projectRef: string, tagName: string, linkId: number): Promise<void> {
    const project = await this.#access.require(actor, projectRef, 'push');
    const release = await this.#find(project, tagName);
    const link = await this.#findLink(release, linkId);
    if (!(await this.#releases.deleteLink(link.id))) throw linkNotFound(tagName, linkId);
    await this.#changed(release, project.id);
  }

  /**
   * Creates a lightweight tag at `ref` (branch, tag or commit) and records it as a push by the
   * actor. A mirror's refs come from its upstream only, so its tags cannot be created here.
   */
  async #createTag(
    actor: Actor,
    project: ProjectRow,
    tagName: string,
    ref: string | undefined,
  ): Promise<string> {
    if (ref === undefined) {
      throw new GantryError(
        'validation_failed',
        `tag ${tagName} does not exist in ${project.path}: push it first, or give ref (a branch, tag or commit) to create it`,
        [{ path: '/ref', message: `required when tag ${tagName} does not exist` }],
      );
    }
    if (project.mirror_url !== null) {
      throw new GantryError(
        'forbidden',
        `${project.path} mirrors ${project.mirror_url} and is read-only: create tag ${tagName} upstream`,
      );
    }
    const dir = this.#storage.pathOf(project.id);
    const sha = await resolveCommit(dir, ref);
    if (sha === undefined) {
      throw new GantryError('bad_request', `ref ${ref} does not exist in ${project.path}`, [
        { path: '/ref', message: 'expected a branch, tag or commit of the repository' },
      ]);
    }
    const fullName = `refs/tags/${tagName}`;
    try {
      // The zero old value makes git refuse if the tag appeared meanwhile, instead of moving it.
      await runGit(['--git-dir', dir, 'update-ref', fullName, sha, ZERO_OID], { timeoutMs: 30_000 });
    } catch (error) {
      if (!(error instanceof GitCommandError) || error.exitCode === null) throw error;
      throw conflict(`tag ${tagName} was created by someone else meanwhile; try again`);
    }
    await this.#recorder.record(project.id, actor.userId, [{ ref: fullName, before: ZERO_OID, after: sha }]);
    return sha;
  }

  async #find(project: ProjectRow, tagName: string): Promise<ReleaseWithAuthor> {
    const release = await this.#releases.find(project.id, tagName);
    if (!release) throw notFound(`release for tag ${tagName}`);
    return release;
  }

  async #findLink(release: ReleaseWithAuthor, linkId: number): Promise<ReleaseLinkRow> {
    const link = await this.#releases.findLink(release.id, linkId);
    if (!link) throw linkNotFound(release.tag_name, linkId);
    return link;
  }

  async #one(projectId: number, row: ReleaseWithAuthor): Promise<Release> {
    const [release] = await this.#complete(projectId, [row]);
    return release!;
  }

  /** Adds links and deployments to release rows: two queries, whatever the number of releases. */
  async #complete(projectId: number, rows: ReleaseWithAuthor[]): Promise<Release[]> {
    const [links, deployments] = await Promise.all([
      this.#releases.links(rows.map((row) => row.id)),
      this.#releases.tagDeployments(
        projectId,
        [...new Set(rows.map((row) => row.tag_name))],
        RELEASE_DEPLOYMENTS_SHOWN,
      ),
    ]);
    return rows.map((row) => ({
      ...row,
      links: links.filter((link) => link.release_id === row.id),
      deployments: deployments.get(row.tag_name) ?? [],
    }));
  }

  async #changed(release: ReleaseWithAuthor, projectId: number): Promise<void> {
    await this.#releases.touch(release.id);
    this.#publish(release.id, projectId, release.tag_name, 'update');
  }

  #publish(id: number, projectId: number, tagName: string, action: 'create' | 'update' | 'delete'): void {
    this.#bus.publish('release', { id, projectId, tagName, action });
  }
}

const alreadyReleased = (tagName: string) => conflict(`a release for tag ${tagName} already exists`);
const linkNotFound = (tagName: string, linkId: number) =>
  notFound(`asset link ${linkId} of the release for tag ${tagName}`);

/** Refuses names git would not take as a tag, so a name can never be read as a revision expression. */
async function assertTagName(name: string): Promise<void> {
  const problem = [{ path: '/tag_name', message: 'expected a git tag name such as v1.0' }];
  if (name.startsWith('-') || name.trim() !== name)
    throw new GantryError('validation_failed', `"${name}" is not a valid tag name`, problem);
  try {
    await runGit(['check-ref-format', `refs/tags/${name}`]);
  } catch (error) {
    if (!(error instanceof GitCommandError) || error.exitCode === null) throw error;
    throw new GantryError(
      'validation_failed',
      `"${name}" is not a valid tag name (no spaces, ~ ^ : ? * [ \\ or ..)`,
      problem,
    );
  }
}

/** The commit a tag (a valid tag name) points at, or undefined when there is no such tag. */
async function tagCommit(dir: string, tagName: string): Promise<string | undefined> {
  try {
    const { stdout } = await runGit(
      ['--git-dir', dir, 'rev-parse', '--verify', '--quiet', `refs/tags/${tagName}^{commit}`],
      { timeoutMs: 30_000 },
    );
    return stdout.trim() || undefined;
  } catch (error) {
    if (error instanceof GitCommandError && error.exitCode !== null) return undefined;
    throw error;
  }
}

/**
 * The commit `ref` names: a branch or tag (short or full name, branches first, as git does) or a
 * commit id (full or abbreviated to at least 7 digits); undefined when there is none.
 */
async function resolveCommit(dir: string, ref: string): Promise<string | undefined> {
  if (ref.startsWith('-') || ref === '') return undefined;
  const reader = new CommitReader(dir);
  if (/^[0-9a-f]{40}$/.test(ref)) return (await reader.hasCommit(ref)) ? ref : undefined;
  const full = /^refs\/(heads|tags)\/(.+)$/.exec(ref);
  if (full) {
    const resolved = await reader.resolve(full[2]!);
    const wanted = full[1] === 'heads' ? 'branch' : 'tag';
    if (resolved?.refType === wanted) return resolved.sha;
    if (wanted === 'tag') return tagCommit(dir, full[2]!);
    return undefined;
  }
  const resolved = await reader.resolve(ref);
  if (resolved) return resolved.sha;
  if (!/^[0-9a-f]{7,39}$/.test(ref)) return undefined;
  try {
    const { stdout } = await runGit(
      ['--git-dir', dir, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`],
      {
        timeoutMs: 30_000,
      },
    );
    return stdout.trim() || undefined;
  } catch (error) {
    if (error instanceof GitCommandError && error.exitCode !== null) return undefined;
    throw error;
  }
}

/** As in GitLab, names and URLs are unique among one release's links. */
function assertNoClash(existing: ReleaseLinkRow[], link: ValidReleaseLink): void {
  const sameName = existing.find((other) => other.name === link.name);
  if (sameName) throw conflict(`the release already has an asset link named ${link.name}`);
  const sameUrl = existing.find((other) => other.url === link.url);
  if (sameUrl) throw conflict(`the release already has an asset link to ${link.url} (${sameUrl.name})`);
}

/** A timestamp given by a client as ISO-8601, stored in UTC; now when not given. */
function timestamp(value: string | undefined, path: string): string {
  if (value === undefined) return new Date().toISOString();
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new GantryError('validation_failed', `"${value}" is not an ISO-8601 date and time`, [
      { path, message: 'expected a date and time such as 2024-05-01T12:00:00Z' },
    ]);
  }
  return new Date(time).toISOString();
}
