import { type Actor, mayWrite } from '../domain/actor.ts';
import { ALL_ENVIRONMENTS, isValidEnvironmentScope } from '../domain/environment-scope.ts';
import { environmentSlug } from '../domain/environment-slug.ts';
import { conflict, forbidden, GantryError, notFound } from '../domain/errors.ts';
import {
  DEFAULT_NAMESPACE_TEMPLATE,
  namespaceTemplateProblem,
  renderNamespace,
} from '../domain/kubernetes-namespace.ts';
import type { Page, PageRequest } from '../domain/pagination.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { ProjectRow } from '../store/repositories/project-repository.ts';
import type { TargetRepository, TargetRow, TargetUpdate } from '../store/repositories/target-repository.ts';
import type { AnsibleConfig, AnsibleSettingsInput } from '../targets/ansible/ansible-settings.ts';
import {
  type KubernetesCheck,
  type KubernetesConfig,
  type KubernetesCredentials,
  type KubernetesSettingsInput,
  parseKubernetesConfig,
  parseKubernetesCredentials,
} from '../targets/kubernetes/kubernetes-settings.ts';
import type { MavenConfig, MavenSettingsInput } from '../targets/maven/maven-settings.ts';
import { podmanSettingsOf } from '../targets/podman/podman-connection.ts';
import {
  mergePodmanSettings,
  type PodmanCheck,
  type PodmanConfig,
  type PodmanCredentials,
  type PodmanSettingsInput,
  parsePodmanConfig,
} from '../targets/podman/podman-settings.ts';
import type { S3Config, S3SettingsInput } from '../targets/s3/s3-settings.ts';
import type { SftpConfig, SftpSettingsInput } from '../targets/sftp/sftp-settings.ts';
import type { SshConfig, SshSettingsInput } from '../targets/ssh/ssh-settings.ts';
import type { TargetSettings } from '../targets/target-settings.ts';
import { targetUrl } from '../webhooks/webhook-outbox.ts';
import { targetSecretContext } from '../webhooks/webhook-secrets.ts';
import { checkWebhookUrl } from '../webhooks/webhook-url.ts';
import type { ProjectAccess } from './project-access.ts';
import type { ProjectRoleCheck } from './project-role-check.ts';

/**
 * The kinds of target Gantry knows. `external`: a deployer of its own that receives signed
 * `deployment` webhooks and reports statuses back. `kubernetes`: a cluster Gantry applies
 * manifests to (`deploy:` jobs) and hands credentials to (`script:` jobs). `podman`: a host (the
 * server's own, or one reached over SSH) where Gantry runs the manifests with `podman kube play`.
 * `ssh`: hosts Gantry copies a job's files to, as releases switched by a `current` symlink; `sftp`
 * the same over SFTP alone (a plain copy where the server allows no switch). `s3`: a
 * bucket (AWS or an S3-compatible server) a job's files are published to. `maven`: a Maven repository
 * a job's build artifacts are published to as a version. `ansible`: an inventory of SSH hosts a
 * repository's playbook runs against.
 */
export const TARGET_KINDS = [
  'external',
  'kubernetes',
  'podman',
  'ssh',
  'sftp',
  's3',
  'maven',
  'ansible',
] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** The kinds whose settings a {@link TargetSettings} reads and checks, each under its own key. */
const SETTINGS_KINDS = ['ssh', 'sftp', 's3', 'maven', 'ansible'] as const;
type SettingsKind = (typeof SETTINGS_KINDS)[number];
const isSettingsKind = (kind: string): kind is SettingsKind =>
  (SETTINGS_KINDS as readonly string[]).includes(kind);

/**
 * A target to register. External targets: `url` is where webhooks go, `secret` signs them.
 * Kubernetes targets: `kubernetes` says how to reach the cluster.
 */
export interface TargetInput {
  name: string;
  kind: string;
  environment_scope?: string;
  url?: string;
  secret?: string | null;
  kubernetes?: KubernetesSettingsInput;
  podman?: PodmanSettingsInput;
  ssh?: SshSettingsInput;
  sftp?: SftpSettingsInput;
  s3?: S3SettingsInput;
  maven?: MavenSettingsInput;
  ansible?: AnsibleSettingsInput;
}

/** What an update may change (not the kind); `secret` null or empty removes it, absent keeps it. */
export type TargetChanges = Partial<Omit<TargetInput, 'kind'>>;

/** A target as the API shows it: the secret, kubeconfig and token never appear. */
export interface Target {
  id: number;
  project_id: number | null;
  name: string;
  kind: string;
  environment_scope: string;
  url: string | null;
  kubernetes: KubernetesView | null;
  podman: PodmanView | null;
  ssh: SshView | null;
  sftp: SftpConfig | null;
  s3: S3Config | null;
  maven: MavenConfig | null;
  ansible: AnsibleConfig | null;
  created_at: string;
  updated_at: string;
}

/** A Kubernetes target's settings as shown: no credentials. */
export interface KubernetesView {
  api_url: string;
  auth: 'kubeconfig' | 'token';
  namespace_template: string;
  server_version: string | null;
}

/** A Podman target's settings as shown: the SSH key only as whether one is set. */
export interface PodmanView extends Omit<PodmanConfig, 'version'> {
  ssh_key_set: boolean;
  version: string | null;
}

/** An SSH target's settings as shown: which credentials are set (`auth`), never their values. */
export type SshView = SshConfig;

const MAX_SECRET_LENGTH = 1024;

/** Where targets live: one project's settings, or the instance's (`projectId` null). */
interface Level {
  projectId: number | null;
  project: ProjectRow | null;
}

/**
 * Targets, where environments run: per project (maintainers) or instance-wide (administrators),
 * each serving the environments its `environment_scope` matches. Only `external` targets exist so
 * far. Secrets are encrypted at rest (context `targets.secret:<id>`) and never returned; target URLs
 * and settings may carry secrets, so reading them needs the `api` scope.
 */
export class TargetService {
  readonly #targets: TargetRepository;
  readonly #access: ProjectAccess;
  readonly #roles: ProjectRoleCheck;
  readonly #secrets: SecretBox;
  readonly #checkKubernetes: KubernetesCheck;
  readonly #checkPodman: PodmanCheck;
  readonly #settings: ReadonlyMap<string, TargetSettings>;

  constructor(deps: {
    targets: TargetRepository;
    access: ProjectAccess;
    roles: ProjectRoleCheck;
    secrets: SecretBox;
    checkKubernetes: KubernetesCheck;
    checkPodman: PodmanCheck;
    /** The settings of the kinds in SETTINGS_KINDS, one each. */
    settings: readonly TargetSettings[];
  }) {
    this.#targets = deps.targets;
    this.#access = deps.access;
    this.#roles = deps.roles;
    this.#secrets = deps.secrets;
    this.#checkKubernetes = deps.checkKubernetes;
    this.#checkPodman = deps.checkPodman;
    this.#settings = new Map(deps.settings.map((settings) => [settings.kind, settings]));
  }

  async listProject(actor: Actor, ref: string, page: PageRequest): Promise<Page<Target>> {
    return this.#list(await this.#projectLevel(actor, ref), page);
  }

  async getProject(actor: Actor, ref: string, id: number): Promise<Target> {
    return targetView(await this.#find(await this.#projectLevel(actor, ref), id));
  }

  async createProject(actor: Actor, ref: string, input: TargetInput): Promise<Target> {
    return this.#create(await this.#projectLevel(actor, ref), input);
  }

  async updateProject(actor: Actor, ref: string, id: number, changes: TargetChanges): Promise<Target> {
    return this.#update(await this.#projectLevel(actor, ref), id, changes);
  }

  async deleteProject(actor: Actor, ref: string, id: number): Promise<void> {
    const level = await this.#projectLevel(actor, ref);
    await this.#targets.delete((await this.#find(level, id)).id);
  }

  async listInstance(actor: Actor, page: PageRequest): Promise<Page<Target>> {
    return this.#list(instanceLevel(actor), page);
  }

  async getInstance(actor: Actor, id: number): Promise<Target> {
    return targetView(await this.#find(instanceLevel(actor), id));
  }

  async createInstance(actor: Actor, input: TargetInput): Promise<Target> {
    return this.#create(instanceLevel(actor), input);
  }

  async updateInstance(actor: Actor, id: number, changes: TargetChanges): Promise<Target> {
    return this.#update(instanceLevel(actor), id, changes);
  }

  async deleteInstance(actor: Actor, id: number): Promise<void> {
    const level = instanceLevel(actor);
    await this.#targets.delete((await this.#find(level, id)).id);
  }

  async #projectLevel(actor: Actor, ref: string): Promise<Level> {
    const project = await this.#access.require(actor, ref, 'read');
    await this.#roles.require(actor, project, 'maintainer', 'managing deploy targets');
    requireApiScope(actor);
    return { projectId: project.id, project };
  }

  async #list(level: Level, page: PageRequest): Promise<Page<Target>> {
    const [rows, total] = await Promise.all([
      this.#targets.list(level.projectId, page),
      this.#targets.count(level.projectId),
    ]);
    return { items: rows.map(targetView), total, request: page };
  }

  async #create(level: Level, input: TargetInput): Promise<Target> {
    const kind = checkKind(input.kind);
    const name = checkName(input.name);
    const scope = checkScope(input.environment_scope ?? ALL_ENVIRONMENTS);
    refuseOtherSettings(kind, input);
    if (isSettingsKind(kind)) {
      await this.#checkNameFree(level, name, null);
      const { config, credentials } = await this.#kindSettings(kind, input[kind] ?? {}, null);
      const row = await this.#targets.insert(
        { project_id: level.projectId, name, kind, environment_scope: scope, config: JSON.stringify(config) },
        (id) => this.#secrets.encrypt(JSON.stringify(credentials), targetSecretContext(id)),
      );
      return targetView(row);
    }
    if (kind === 'podman') {
      await this.#checkNameFree(level, name, null);
      const { config, credentials } = await this.#podmanSettings(input.podman ?? {}, null);
      const row = await this.#targets.insert(
        { project_id: level.projectId, name, kind, environment_scope: scope, config: JSON.stringify(config) },
        credentials.ssh_key === null
          ? null
          : (id) => this.#secrets.encrypt(JSON.stringify(credentials), targetSecretContext(id)),
      );
      return targetView(row);
    }
    if (kind === 'kubernetes') {
      if (input.url !== undefined || input.secret !== undefined) {
        throw new GantryError(
          'validation_failed',
          'a kubernetes target takes kubernetes:, not url or secret',
          [{ path: '/url', message: 'only for external targets' }],
        );
      }
      await this.#checkNameFree(level, name, null);
      const { config, credentials } = await this.#kubernetesSettings(level, scope, input.kubernetes, null);
      const row = await this.#targets.insert(
        { project_id: level.projectId, name, kind, environment_scope: scope, config: JSON.stringify(config) },
        (id) => this.#secrets.encrypt(JSON.stringify(credentials), targetSecretContext(id)),
      );
      return targetView(row);
    }
    if (input.kubernetes !== undefined) {
      throw new GantryError('validation_failed', `an ${kind} target takes no kubernetes: settings`, [
        { path: '/kubernetes', message: 'only for kubernetes targets' },
      ]);
    }
    if (input.url === undefined) {
      throw new GantryError('validation_failed', `an ${kind} target needs the url its webhooks go to`, [
        { path: '/url', message: 'required' },
      ]);
    }
    const url = checkWebhookUrl(input.url);
    await this.#checkNameFree(level, name, null);
    const secret = checkSecret(input.secret);
    const row = await this.#targets.insert(
      {
        project_id: level.projectId,
        name,
        kind,
        environment_scope: scope,
        config: JSON.stringify({ url }),
      },
      secret === null ? null : (id) => this.#secrets.encrypt(secret, targetSecretContext(id)),
    );
    return targetView(row);
  }

  async #update(level: Level, id: number, changes: TargetChanges): Promise<Target> {
    const row = await this.#find(level, id);
    const values: TargetUpdate = {};
    if (changes.name !== undefined) {
      values.name = checkName(changes.name);
      await this.#checkNameFree(level, values.name, row.id);
    }
    if (changes.environment_scope !== undefined)
      values.environment_scope = checkScope(changes.environment_scope);
    refuseOtherSettings(row.kind, changes);
    if (isSettingsKind(row.kind)) {
      // Every save checks the target again (an SSH host's recorded key stays unless rescanned).
      const { config, credentials } = await this.#kindSettings(row.kind, changes[row.kind] ?? {}, row);
      values.config = JSON.stringify(config);
      values.secret_encrypted = this.#secrets.encrypt(
        JSON.stringify(credentials),
        targetSecretContext(row.id),
      );
      const updated = await this.#targets.update(row.id, values);
      if (!updated) throw notFound(`target ${id}`);
      return targetView(updated);
    }
    if (row.kind === 'podman') {
      // Every save checks the host again: its settings or reachability may have changed.
      const { config, credentials } = await this.#podmanSettings(changes.podman ?? {}, row);
      values.config = JSON.stringify(config);
      values.secret_encrypted =
        credentials.ssh_key === null
          ? null
          : this.#secrets.encrypt(JSON.stringify(credentials), targetSecretContext(row.id));
      const updated = await this.#targets.update(row.id, values);
      if (!updated) throw notFound(`target ${id}`);
      return targetView(updated);
    }
    if (row.kind === 'kubernetes') {
      if (changes.url !== undefined || changes.secret !== undefined) {
        throw new GantryError(
          'validation_failed',
          'a kubernetes target takes kubernetes:, not url or secret',
          [{ path: '/url', message: 'only for external targets' }],
        );
      }
      // Every save checks the cluster again: a changed scope may mean another namespace.
      const { config, credentials } = await this.#kubernetesSettings(
        level,
        values.environment_scope ?? row.environment_scope,
        changes.kubernetes ?? {},
        row,
      );
      values.config = JSON.stringify(config);
      values.secret_encrypted = this.#secrets.encrypt(
        JSON.stringify(credentials),
        targetSecretContext(row.id),
      );
      const updated = await this.#targets.update(row.id, values);
      if (!updated) throw notFound(`target ${id}`);
      return targetView(updated);
    }
    if (changes.kubernetes !== undefined) {
      throw new GantryError('validation_failed', `an ${row.kind} target takes no kubernetes: settings`, [
        { path: '/kubernetes', message: 'only for kubernetes targets' },
      ]);
    }
    if (changes.url !== undefined)
      values.config = JSON.stringify({ ...parseConfig(row.config), url: checkWebhookUrl(changes.url) });
    if (changes.secret !== undefined) {
      const secret = checkSecret(changes.secret);
      values.secret_encrypted =
        secret === null ? null : this.#secrets.encrypt(secret, targetSecretContext(row.id));
    }
    const updated = await this.#targets.update(row.id, values);
    if (!updated) throw notFound(`target ${id}`);
    return targetView(updated);
  }

  /**
   * Merges Kubernetes settings over a stored target's (`row`, on update), validates them and
   * checks the cluster with them. Credentials given replace the stored ones; a kubeconfig and a
   * token exclude each other.
   */
  async #kubernetesSettings(
    level: Level,
    scope: string,
    input: KubernetesSettingsInput | undefined,
    row: TargetRow | null,
  ): Promise<{ config: KubernetesConfig; credentials: KubernetesCredentials }> {
    const stored = row ? parseKubernetesConfig(row.config) : null;
    const storedCredentials =
      row?.secret_encrypted != null
        ? parseKubernetesCredentials(this.#secrets.decrypt(row.secret_encrypted, targetSecretContext(row.id)))
        : null;
    const given = input ?? {};
    if (given.kubeconfig !== undefined && (given.token !== undefined || given.api_url !== undefined)) {
      throw kubernetesInvalid('/kubernetes', 'give either kubeconfig, or api_url with token, not both');
    }
    let credentials: KubernetesCredentials;
    if (given.kubeconfig !== undefined) credentials = { kubeconfig: given.kubeconfig };
    else if (given.token !== undefined) credentials = { token: given.token };
    else if (storedCredentials && (given.api_url === undefined || 'token' in storedCredentials))
      credentials = storedCredentials;
    else throw kubernetesInvalid('/kubernetes', 'a kubernetes target needs kubeconfig, or api_url and token');
    const auth = 'kubeconfig' in credentials ? 'kubeconfig' : 'token';
    const apiUrl = given.api_url ?? (auth === 'token' ? stored?.api_url : undefined);
    if (auth === 'token' && apiUrl === undefined) {
      throw kubernetesInvalid('/kubernetes/api_url', 'a token needs the api_url of the cluster');
    }
    if (apiUrl !== undefined && !/^https:\/\/[^\s/]+/.test(apiUrl)) {
      throw kubernetesInvalid(
        '/kubernetes/api_url',
        `api_url must be an https:// URL, got ${JSON.stringify(apiUrl)}`,
      );
    }
    const template = given.namespace_template ?? stored?.namespace_template ?? DEFAULT_NAMESPACE_TEMPLATE;
    const problem = namespaceTemplateProblem(template);
    if (problem) throw kubernetesInvalid('/kubernetes/namespace_template', problem);
    const config: KubernetesConfig = {
      auth,
      api_url: apiUrl ?? '',
      ca_pem:
        auth === 'token' ? (given.ca_pem !== undefined ? given.ca_pem : (stored?.ca_pem ?? null)) : null,
      namespace_template: template,
      server_version: null,
    };
    const checked = await this.#checkKubernetes(
      config,
      credentials,
      this.#sampleNamespace(level, scope, template),
    );
    return {
      config: { ...config, api_url: checked.apiUrl, server_version: checked.serverVersion },
      credentials,
    };
  }

  /**
   * Merges Podman settings over a stored target's (`row`, on update), validates them and checks
   * the host with them (`podman info`), keeping the version it reports.
   */
  async #podmanSettings(
    input: PodmanSettingsInput,
    row: TargetRow | null,
  ): Promise<{ config: PodmanConfig; credentials: PodmanCredentials }> {
    const merged = mergePodmanSettings(input, row ? podmanSettingsOf(row, this.#secrets) : null);
    const { version } = await this.#checkPodman(merged.config, merged.credentials);
    return { config: { ...merged.config, version }, credentials: merged.credentials };
  }

  /** Merges a settings kind's input over a stored target's (`row`, on update), validated and checked. */
  async #kindSettings(
    kind: SettingsKind,
    input: object,
    row: TargetRow | null,
  ): Promise<{ config: unknown; credentials: unknown }> {
    const settings = this.#settings.get(kind);
    if (!settings) throw new Error(`no settings reader for ${kind} targets`);
    const stored = row
      ? {
          config: settings.parseConfig(row.config),
          credentials: settings.parseCredentials(
            row.secret_encrypted === null
              ? null
              : this.#secrets.decrypt(row.secret_encrypted, targetSecretContext(row.id)),
          ),
        }
      : null;
    return settings.save(input as Record<string, unknown>, stored);
  }

  /**
   * The namespace to check permissions in: for a scope naming one environment, the namespace it
   * will deploy to (when the project is known); for wildcard scopes and instance targets, none
   * (the check then asks for the cluster-wide permissions that creating namespaces needs).
   */
  #sampleNamespace(level: Level, scope: string, template: string): string | null {
    const project = level.project;
    if (project === null || scope.includes('*')) return null;
    return renderNamespace(template, {
      projectId: project.id,
      projectPath: project.path,
      environmentSlug: environmentSlug(scope),
    });
  }

  async #find(level: Level, id: number): Promise<TargetRow> {
    const row = await this.#targets.find(level.projectId, id);
    if (!row) throw notFound(`target ${id}`);
    return row;
  }

  async #checkNameFree(level: Level, name: string, except: number | null): Promise<void> {
    const existing = await this.#targets.findByName(level.projectId, name);
    if (existing && existing.id !== except) {
      throw conflict(
        `a target named ${name} already exists ${level.projectId === null ? 'on this instance' : 'in this project'}`,
      );
    }
  }
}

/** The API view of a target row. */
export function targetView(row: TargetRow): Target {
  return {
    id: row.id,
    project_id: row.project_id,
    name: row.name,
    kind: row.kind,
    environment_scope: row.environment_scope,
    url: row.kind === 'external' ? (targetUrl(row.config) ?? null) : null,
    kubernetes: row.kind === 'kubernetes' ? kubernetesView(parseKubernetesConfig(row.config)) : null,
    podman:
      row.kind === 'podman'
        ? { ...parsePodmanConfig(row.config), ssh_key_set: row.secret_encrypted !== null }
        : null,
    ssh: row.kind === 'ssh' ? (JSON.parse(row.config) as SshConfig) : null,
    sftp: row.kind === 'sftp' ? (JSON.parse(row.config) as SftpConfig) : null,
    s3: row.kind === 's3' ? (JSON.parse(row.config) as S3Config) : null,
    maven: row.kind === 'maven' ? (JSON.parse(row.config) as MavenConfig) : null,
    ansible: row.kind === 'ansible' ? (JSON.parse(row.config) as AnsibleConfig) : null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function kubernetesView(config: KubernetesConfig): KubernetesView {
  return {
    api_url: config.api_url,
    auth: config.auth,
    namespace_template: config.namespace_template,
    server_version: config.server_version,
  };
}

/**
 * Podman and SSH settings belong to targets of their kind, and those targets take nothing else
 * (an SSH target's hosts are ssh.hosts, a Podman host's URL is podman.url).
 */
function refuseOtherSettings(kind: string, input: TargetChanges): void {
  for (const own of ['podman', ...SETTINGS_KINDS] as const) {
    if (kind !== own && input[own] !== undefined) {
      throw new GantryError('validation_failed', `a ${kind} target takes no ${own}: settings`, [
        { path: `/${own}`, message: `only for ${own} targets` },
      ]);
    }
  }
  if (kind !== 'podman' && !isSettingsKind(kind)) return;
  for (const field of ['url', 'secret', 'kubernetes', 'podman', ...SETTINGS_KINDS] as const) {
    if (field !== kind && input[field] !== undefined) {
      const where = kind === 'podman' ? " (its host's URL is podman.url)" : '';
      throw new GantryError(
        'validation_failed',
        `a ${kind} target takes ${kind}: settings, not ${field}${where}`,
        [{ path: `/${field}`, message: `not for ${kind} targets` }],
      );
    }
  }
}

function kubernetesInvalid(path: string, message: string): GantryError {
  return new GantryError('validation_failed', message, [{ path, message }]);
}

function instanceLevel(actor: Actor): Level {
  if (!actor.isAdmin) throw forbidden('instance targets are for administrators');
  requireApiScope(actor);
  return { projectId: null, project: null };
}

function requireApiScope(actor: Actor): void {
  if (!mayWrite(actor)) {
    throw forbidden('target settings may hold secrets: reading them, too, needs a token with the api scope');
  }
}

function parseConfig(config: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(config);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function checkKind(kind: string): TargetKind {
  if (!(TARGET_KINDS as readonly string[]).includes(kind)) {
    throw new GantryError(
      'validation_failed',
      `"${kind}" is not a target kind: use ${TARGET_KINDS.join(', ')}`,
      [{ path: '/kind', message: `one of ${TARGET_KINDS.join(', ')}` }],
    );
  }
  return kind as TargetKind;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 255) {
    throw new GantryError('validation_failed', 'a target name has 1 to 255 characters', [
      { path: '/name', message: '1 to 255 characters' },
    ]);
  }
  return trimmed;
}

function checkScope(scope: string): string {
  if (!isValidEnvironmentScope(scope)) {
    throw new GantryError(
      'validation_failed',
      `"${scope}" is not an environment scope: use *, an environment name or a pattern such as review/*`,
      [{ path: '/environment_scope', message: 'letters, digits, spaces, - _ / $ { } . and *' }],
    );
  }
  return scope;
}

function checkSecret(secret: string | null | undefined): string | null {
  if (secret === undefined || secret === null || secret === '') return null;
  if (secret.length > MAX_SECRET_LENGTH) {
    throw new GantryError('validation_failed', `a secret has at most ${MAX_SECRET_LENGTH} characters`, [
      { path: '/secret', message: `at most ${MAX_SECRET_LENGTH} characters` },
    ]);
  }
  return secret;
}
