/**
 * Whether a live event may change what the registry page shows: a job of the project that
 * succeeded (it may have pushed an image) or a deployment of the project (which environments run
 * which digest). Pushes to the registry itself send no event; the jobs that make them do.
 */
export function affectsRegistry(
  // The fields of a LiveEvent it reads (web/src/api/live-events.ts needs the DOM; lib code does not).
  event: { type: string; project_id?: number | undefined; status?: string | undefined },
  projectId: number,
): boolean {
  if (event.project_id !== projectId) return false;
  return (event.type === 'job' && event.status === 'success') || event.type === 'deployment';
}

/** A repository's name as the page lists it: the project's own image (no name) is `(project image)`. */
export function repositoryName(repository: { name: string }): string {
  return repository.name === '' ? '(project image)' : repository.name;
}

/**
 * The other tags of the image `tag` names, among `tags`: deleting a tag deletes its image (the
 * registry removes manifests by digest), and every tag of that image with it.
 */
export function tagsOfSameImage<T extends { name: string; digest: string }>(tags: readonly T[], tag: T): T[] {
  return tags.filter((other) => other.digest === tag.digest && other.name !== tag.name);
}
