import { isTag } from './registry-path.ts';
import type { PushLedger } from './registry-proxy.ts';
import type { RegistryRepository } from './registry-repository.ts';

/**
 * Keeps `registry_repositories` and `registry_tags` in step with what goes through the proxy: a
 * manifest pushed under a tag (re)points the tag at its digest; one pushed by digest (part of a
 * multi-platform image) only makes the repository known; a delete by tag forgets the tag, a delete
 * by digest every tag naming that digest.
 */
export class TagLedger implements PushLedger {
  readonly #rows: RegistryRepository;
  readonly #now: () => Date;

  constructor(rows: RegistryRepository, now: () => Date = () => new Date()) {
    this.#rows = rows;
    this.#now = now;
  }

  async pushed(projectId: number, name: string, reference: string, digest: string | null): Promise<void> {
    const now = this.#now().toISOString();
    const repositoryId = await this.#rows.ensureRepository(projectId, name, now);
    if (isTag(reference) && digest !== null) await this.#rows.upsertTag(repositoryId, reference, digest, now);
  }

  async deleted(name: string, reference: string): Promise<void> {
    await this.#rows.deleteTags(name, isTag(reference) ? { tag: reference } : { digest: reference });
  }
}
