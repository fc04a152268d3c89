import { generateToken, hashToken, tokenDisplayPrefix } from '../auth/access-token.ts';
import type { Actor } from '../domain/actor.ts';
import { forbidden, notFound } from '../domain/errors.ts';
import type { RunnerRepository, RunnerRow } from '../store/repositories/runner-repository.ts';

export const RUNNER_TOKEN_PREFIX = 'gtr_';

/** Runner registration (admins): each runner authenticates with its own token, stored hashed. */
export class RunnerService {
  readonly #runners: RunnerRepository;

  constructor(runners: RunnerRepository) {
    this.#runners = runners;
  }

  async list(actor: Actor): Promise<RunnerRow[]> {
    requireAdmin(actor);
    return this.#runners.list();
  }

  async get(actor: Actor, id: number): Promise<RunnerRow> {
    requireAdmin(actor);
    const runner = await this.#runners.findById(id);
    if (!runner) throw notFound('runner');
    return runner;
  }

  /** Registers a runner; the returned token is shown once. */
  async create(
    actor: Actor | null,
    values: { description: string; tags?: string[]; run_untagged?: boolean; embedded?: boolean },
  ): Promise<{ runner: RunnerRow; token: string }> {
    if (actor !== null) requireAdmin(actor);
    const token = generateToken(RUNNER_TOKEN_PREFIX);
    const runner = await this.#runners.create({
      description: values.description,
      tokenHash: hashToken(token),
      tokenPrefix: tokenDisplayPrefix(token),
      tags: [...new Set(values.tags ?? [])],
      runUntagged: values.run_untagged ?? (values.tags ?? []).length === 0,
      embedded: values.embedded ?? false,
    });
    return { runner, token };
  }

  async delete(actor: Actor, id: number): Promise<void> {
    requireAdmin(actor);
    if (!(await this.#runners.delete(id))) throw notFound('runner');
  }
}

function requireAdmin(actor: Actor): void {
  if (!actor.isAdmin) throw forbidden('only admins manage runners');
}
