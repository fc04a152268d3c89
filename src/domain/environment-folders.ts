import { environmentFolder } from './environment-name.ts';

/** What grouping needs to know of an environment. */
export interface FolderCandidate {
  id: number;
  name: string;
  updated_at: string;
}

/**
 * One entry of the top level of an environments list: an environment outside any folder, or a
 * folder (`review`) standing for all the environments whose names start with `review/`.
 */
export interface TopLevelEntry {
  /** The environment's name, or the folder's. */
  name: string;
  folder: boolean;
  /** Environments in the folder; 1 for an environment. */
  size: number;
  /** The environment itself, or the folder's most recently updated one (ties: the newest id). */
  environmentId: number;
}

/**
 * Groups environments into the top level of a list, as GitLab's folders show them: each folder
 * collapsed into one entry with its size, ordered by name together with the environments outside
 * folders (a folder and an environment may share a name: the folder comes second).
 */
export function topLevelEntries(environments: readonly FolderCandidate[]): TopLevelEntry[] {
  const folders = new Map<string, TopLevelEntry & { updatedAt: string }>();
  const entries: TopLevelEntry[] = [];
  for (const environment of environments) {
    const folder = environmentFolder(environment.name);
    if (folder === null) {
      entries.push({ name: environment.name, folder: false, size: 1, environmentId: environment.id });
      continue;
    }
    const entry = folders.get(folder);
    if (!entry) {
      folders.set(folder, {
        name: folder,
        folder: true,
        size: 1,
        environmentId: environment.id,
        updatedAt: environment.updated_at,
      });
      continue;
    }
    entry.size += 1;
    const newer =
      environment.updated_at > entry.updatedAt ||
      (environment.updated_at === entry.updatedAt && environment.id > entry.environmentId);
    if (newer) {
      entry.environmentId = environment.id;
      entry.updatedAt = environment.updated_at;
    }
  }
  for (const { updatedAt: _, ...entry } of folders.values()) entries.push(entry);
  return entries.sort(
    (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || Number(a.folder) - Number(b.folder),
  );
}
