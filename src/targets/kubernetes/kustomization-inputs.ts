import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { GantryError } from '../../domain/errors.ts';
import { isInside, realPathOrUndefined, treeRelative, walkTree } from './tree-path.ts';

/** The file names kustomize recognises, in the order it looks for them. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

// Entries that name other kustomizations (directories) or resource files. kustomize itself keeps
// plain files (patches, generator inputs) under each kustomization's root, but it follows a
// directory anywhere on the disk and fetches URLs; those are what is checked here.
const REFERENCE_FIELDS = ['resources', 'bases', 'components', 'generators', 'transformers', 'validators'];

/** The kustomization file in `dir`, or undefined when `dir` is not a kustomization. */
export async function kustomizationFileIn(dir: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILES) {
    const file = join(dir, name);
    if ((await stat(file).catch(() => undefined))?.isFile()) return file;
  }
  return undefined;
}

/**
 * Checks, before kustomize runs, that a kustomization and every kustomization it reaches read
 * only the checked-out tree: each `resources`/`bases`/`components`/generator entry is a relative
 * path to an existing file or directory inside `root` (no URL: rendering is offline and repeatable),
 * and no symbolic link in those directories leads outside.
 * @param root the tree's real path; `dir` a kustomization directory's real path inside it.
 * @throws GantryError('validation_failed') naming the kustomization file and the entry.
 */
export async function checkKustomizationInputs(root: string, dir: string): Promise<void> {
  const visited = new Set<string>();
  const visit = async (kustomizationDir: string): Promise<void> => {
    if (visited.has(kustomizationDir)) return;
    visited.add(kustomizationDir);
    await walkTree(root, kustomizationDir);
    const file = await kustomizationFileIn(kustomizationDir);
    if (file === undefined) return; // a plain directory of resources is a valid entry too
    const shown = treeRelative(root, file);
    for (const entry of await referencesIn(file, shown)) {
      // Generators and transformers may be inline YAML configurations instead of paths.
      if (entry.includes('\n')) continue;
      const refuse = (why: string) =>
        new GantryError('validation_failed', `${shown}: the entry ${entry} ${why}`);
      if (isAbsolute(entry)) throw refuse('is an absolute path; only files of the repository are rendered');
      const real = await realPathOrUndefined(resolve(kustomizationDir, entry));
      if (real === undefined) {
        throw refuse(
          'is not a file or directory of the repository (remote bases are not fetched: rendering is offline)',
        );
      }
      if (!isInside(root, real)) throw refuse('leads outside the repository');
      if ((await stat(real)).isDirectory()) await visit(real);
    }
  };
  await visit(dir);
}

async function referencesIn(file: string, shown: string): Promise<string[]> {
  const lineCounter = new LineCounter();
  const document = parseDocument(await readFile(file, 'utf8'), {
    lineCounter,
    version: '1.1',
    prettyErrors: false,
    uniqueKeys: true,
  });
  const [error] = document.errors;
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    throw new GantryError('validation_failed', `${shown}:${line}:${col}: ${error.message}`);
  }
  const value: unknown = document.toJS({ maxAliasCount: 1000 });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const entries: string[] = [];
  for (const field of REFERENCE_FIELDS) {
    const list = (value as Record<string, unknown>)[field];
    if (Array.isArray(list)) entries.push(...list.filter((item): item is string => typeof item === 'string'));
  }
  return entries;
}
