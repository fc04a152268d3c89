import type { AnsibleSnapshot } from '../../domain/deployment-snapshot.ts';
import { GantryError } from '../../domain/errors.ts';
import { parseDefinition } from '../../scheduler/job-definition.ts';
import { jobSnapshot } from '../../scheduler/job-snapshot.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { DeploymentRepository } from '../../store/repositories/deployment-repository.ts';
import type { DeploymentStatusRepository } from '../../store/repositories/deployment-status-repository.ts';
import type { JobRepository, JobRow } from '../../store/repositories/job-repository.ts';
import type { TargetRow } from '../../store/repositories/target-repository.ts';
import { targetSecretContext } from '../../webhooks/webhook-secrets.ts';
import { findSnapshot } from '../deployment-snapshots.ts';
import { recordFailureStatus } from '../failure-status.ts';
import type { JobManifestSources } from '../kubernetes/job-manifests.ts';
import type { DeployOutcome, DeployRequest, Target } from '../target.ts';
import { type AnsibleConfig, ansibleTargetSettings } from './ansible-settings.ts';
import { type PlaybookResult, runPlaybook } from './run-playbook.ts';

export interface AnsibleTargetDeps extends JobManifestSources {
  deployments: DeploymentRepository;
  /** The job a deployment ran, whose variables a stop passes to the playbook again. */
  jobs: Pick<JobRepository, 'findById'>;
  statuses: DeploymentStatusRepository;
  secrets: SecretBox;
  scratchDir: string;
  variablesVersion(job: JobRow, environmentName: string): Promise<string | null>;
}

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The built-in deployer for `deploy:` jobs on an Ansible target: runs `deploy:playbook` from the
 * repository at the deployment's commit against the target's inventory (run-playbook.ts: host keys
 * checked against the recorded ones), with the job's variables as extra vars and
 * `gantry_action: deploy`; the play recap decides the outcome. `check: true` is a dry run
 * (`--check --diff`) that moves no environment. A rollback runs the playbook of the commit rolled
 * back to; a stop runs the current one with `gantry_action: stop`.
 */
export class AnsibleTarget implements Target {
  readonly kind = 'ansible';
  readonly #deps: AnsibleTargetDeps;
  readonly #settings: ReturnType<typeof ansibleTargetSettings>;

  constructor(deps: AnsibleTargetDeps) {
    this.#deps = deps;
    this.#settings = ansibleTargetSettings(deps.scratchDir);
  }

  async deploy(request: DeployRequest): Promise<DeployOutcome> {
    const { job, deployment, environment, project, target, log, signal } = request;
    const spec = parseDefinition(job.definition).deploy;
    if (!spec) throw new Error(`job ${job.name} has no deploy: settings`);
    try {
      const source =
        deployment.rollback_of === null
          ? null
          : await findSnapshot(this.#deps.deployments, deployment.rollback_of, 'ansible');
      if (source?.snapshot.check) {
        throw new GantryError(
          'conflict',
          `deployment #${source.row.iid} was a dry run: it changed nothing to go back to`,
        );
      }
      const playbook = source?.snapshot.playbook ?? spec.playbook;
      if (playbook === null)
        throw new Error(
          `job ${job.name} deploys to an Ansible target: its deploy: needs playbook:, a path in the repository`,
        );
      const check = source === null && spec.check;
      const sha = source?.snapshot.sha ?? deployment.sha;
      const snapshot: AnsibleSnapshot = {
        kind: 'ansible',
        ...jobSnapshot(
          job,
          deployment,
          environment,
          await this.#deps.variablesVersion(job, environment.name),
        ),
        ...(source && { sha: source.snapshot.sha, ref: source.snapshot.ref }),
        targetId: target.id,
        playbook,
        check,
        recap: [],
      };
      await this.#record(deployment.id, snapshot);
      await log.line(
        `${check ? 'Dry run (check mode) of' : 'Running'} ${playbook} at ${sha.slice(0, 8)} on ${this.#hostList(target)}` +
          (source ? ` (rolling back to deployment #${source.row.iid})` : ''),
      );
      const variables = await this.#deps.jobVariables(job);
      const result = await this.#run(target, project.id, sha, playbook, {
        check,
        extraVars: { ...extraVars(variables), gantry_action: 'deploy' },
        signal,
        log: (line) => void log.line(line),
      });
      // The recap is kept either way: a failed play is when it matters most.
      await this.#record(deployment.id, { ...snapshot, recap: result.recap });
      throwUnlessPassed(result);
      return { status: 'success' };
    } catch (error) {
      await recordFailureStatus(this.#deps.statuses, deployment.id, (error as Error).message);
      throw error;
    }
  }

  /**
   * Takes an environment down: its playbook again, with the deployment job's variables and
   * `gantry_action: stop` (the playbook decides what that means).
   */
  async stop(
    target: TargetRow,
    snapshot: AnsibleSnapshot,
    projectId: number,
    log: (line: string) => void,
  ): Promise<void> {
    const job = snapshot.jobId === null ? undefined : await this.#deps.jobs.findById(snapshot.jobId);
    const variables = job ? await this.#deps.jobVariables(job) : new Map<string, string>();
    // The play's own output may show the job's masked variables and goes to the server log: only
    // the recap is told.
    const result = await this.#run(target, projectId, snapshot.sha, snapshot.playbook, {
      check: false,
      extraVars: { ...extraVars(variables), gantry_action: 'stop' },
      signal: AbortSignal.timeout(STOP_TIMEOUT_MS),
      log: () => {},
    });
    for (const line of result.recap)
      log(
        `stop of ${snapshot.playbook}: ${line.host} ok=${line.ok} changed=${line.changed} failed=${line.failed} unreachable=${line.unreachable}`,
      );
    throwUnlessPassed(result);
  }

  /** Runs a playbook at a commit, whatever its outcome (see throwUnlessPassed). */
  async #run(
    target: TargetRow,
    projectId: number,
    sha: string,
    playbook: string,
    options: {
      check: boolean;
      extraVars: Record<string, string>;
      signal: AbortSignal;
      log: (line: string) => void;
    },
  ): Promise<PlaybookResult> {
    const config = this.#settings.parseConfig(target.config);
    const credentials = this.#settings.parseCredentials(
      target.secret_encrypted === null
        ? null
        : this.#deps.secrets.decrypt(target.secret_encrypted, targetSecretContext(target.id)),
    );
    const tree = await this.#deps.exportTree(projectId, sha);
    try {
      const result = await runPlaybook({
        workDir: tree.root,
        playbook,
        hosts: config.hosts.map((host) => ({
          name: host.name,
          host: host.host,
          port: host.port,
          user: config.user,
          knownHosts: host.known_hosts,
        })),
        groups: config.groups,
        credentials: { privateKey: credentials.private_key, password: credentials.password },
        extraVars: options.extraVars,
        check: options.check,
        scratchDir: this.#deps.scratchDir,
        signal: options.signal,
        log: options.log,
      });
      return result;
    } finally {
      await tree.dispose();
    }
  }

  #hostList(target: TargetRow): string {
    const config: AnsibleConfig = this.#settings.parseConfig(target.config);
    return config.hosts.map((host) => host.name).join(', ');
  }

  async #record(deploymentId: number, snapshot: AnsibleSnapshot): Promise<void> {
    await this.#deps.deployments.update(deploymentId, { snapshot: JSON.stringify(snapshot) });
  }
}

/** How long a stop's playbook may run. */
const STOP_TIMEOUT_MS = 600_000;

/** Throws unless the play passed, naming the hosts that failed or were unreachable. */
function throwUnlessPassed(result: PlaybookResult): void {
  if (result.ok) return;
  const bad = result.recap.filter((line) => line.failed > 0 || line.unreachable > 0);
  throw new Error(
    `the play failed (ansible-playbook exited with ${result.exitCode})` +
      (bad.length === 0
        ? ''
        : `: ${bad.map((line) => `${line.host} failed=${line.failed} unreachable=${line.unreachable}`).join(', ')}`),
  );
}

/** The job's variables Ansible can take as extra vars (names that are identifiers). */
function extraVars(variables: Map<string, string>): Record<string, string> {
  return Object.fromEntries([...variables].filter(([name]) => VAR_NAME.test(name)));
}
