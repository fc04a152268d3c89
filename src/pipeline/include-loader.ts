import { mergeMaps } from './deep-merge.ts';
import { createDiagnostics, type Diagnostics, reportError } from './diagnostics.ts';
import { checkKeys, indexWhere, readString } from './node-readers.ts';
import type { PipelineError } from './pipeline-error.ts';
import { mapValue, type SourcePosition, withoutKey, type YamlMap, type YamlNode } from './yaml-node.ts';
import { type ParsedSource, parseYamlSource } from './yaml-source.ts';

/** Reads a repository-relative file at the pipeline's commit; undefined when there is no such file. */
export type SourceReader = (path: string) => Promise<string | undefined>;

/** Deepest include chain: the main file includes a file that includes a file… ten times. */
export const MAX_INCLUDE_DEPTH = 10;
/** Most includes processed for one pipeline (GitLab's default limit). */
export const MAX_INCLUDES = 150;

/** The merged configuration, or errors (`root` is null when any file could not be read or parsed). */
export interface LoadedSources {
  root: YamlMap | null;
  /** Files read: the main file, then included files in load order. */
  files: string[];
  errors: PipelineError[];
  warnings: string[];
}

interface Include {
  path: string;
  position: SourcePosition;
  where: string;
}

const unsupportedIncludeKeys: Record<string, string> = {
  remote: 'only include:local is supported',
  project: 'only include:local is supported',
  file: 'only include:local is supported',
  ref: 'only include:local is supported',
  template: 'only include:local is supported',
  component: 'only include:local is supported',
  rules: 'include:rules is not supported; every listed file is included',
  inputs: 'include:inputs is not supported',
  integrity: 'include:integrity is not supported',
  cache: 'include:cache is not supported',
};

/**
 * Reads the main file and, recursively, the files it includes with `include:local` (paths relative
 * to the repository root), merging each file over its includes with GitLab's deep merge (later
 * includes override earlier ones, the including file overrides all of them). A file may be included
 * more than once (it is merged again, as GitLab does); an include that leads back to a file being
 * included is a cycle. Each file is read and parsed once.
 */
export async function loadSources(mainFile: string, read: SourceReader): Promise<LoadedSources> {
  const diagnostics = createDiagnostics();
  const files: string[] = [];
  const parsed = new Map<string, Promise<ParsedSource | null>>();
  const reported = new Set<string>();
  let includes = 0;

  const load = (path: string): Promise<ParsedSource | null> => {
    let pending = parsed.get(path);
    if (pending === undefined) {
      pending = read(path).then((text) => (text === undefined ? null : parseYamlSource(path, text)));
      parsed.set(path, pending);
    }
    return pending;
  };

  /** The file's root mapping, reporting its problems once; null when unusable. */
  const rootOf = (path: string, source: ParsedSource, at: SourcePosition | null): YamlMap | null => {
    const first = !reported.has(path);
    reported.add(path);
    if (first) {
      diagnostics.errors.push(...source.errors);
      diagnostics.warnings.push(...source.warnings);
      if (!files.includes(path)) files.push(path);
    }
    if (source.errors.length > 0) return null;
    const root = source.root;
    if (root === null) {
      if (first || at) {
        const message = at
          ? `file "${path}" is empty; expected a mapping of jobs and keywords`
          : 'the file is empty; expected a mapping of jobs and keywords';
        reportError(
          diagnostics,
          at ?? { file: path, line: 1, column: 1 },
          at ? `include: ${message}` : message,
        );
      }
      return null;
    }
    if (root.kind !== 'map') {
      if (first)
        reportError(
          diagnostics,
          root.position,
          `expected a mapping of jobs and keywords at the top level, got a list`,
        );
      return null;
    }
    return root;
  };

  const expand = async (root: YamlMap, chain: readonly string[]): Promise<YamlMap> => {
    const includeNode = mapValue(root, 'include');
    let base: YamlMap | null = null;
    for (const include of includeNode ? readIncludes(diagnostics, includeNode) : []) {
      const where = include.where;
      if (chain.includes(include.path)) {
        const cycle = [...chain.slice(chain.indexOf(include.path)), include.path].join(' → ');
        reportError(diagnostics, include.position, `${where}: include cycle ${cycle}`);
        continue;
      }
      if (chain.length > MAX_INCLUDE_DEPTH) {
        reportError(
          diagnostics,
          include.position,
          `${where}: includes nest deeper than ${MAX_INCLUDE_DEPTH} levels`,
        );
        continue;
      }
      if (++includes > MAX_INCLUDES) {
        if (includes === MAX_INCLUDES + 1) {
          reportError(diagnostics, include.position, `${where}: more than ${MAX_INCLUDES} includes`);
        }
        continue;
      }
      const source = await load(include.path);
      if (source === null) {
        reportError(
          diagnostics,
          include.position,
          `${where}: file "${include.path}" does not exist at this commit`,
        );
        continue;
      }
      const included = rootOf(include.path, source, include.position);
      if (included === null) continue;
      const merged = await expand(included, [...chain, include.path]);
      base = base ? mergeMaps(base, merged) : merged;
    }
    const own = withoutKey(root, 'include');
    return base ? mergeMaps(base, own) : own;
  };

  const main = await load(mainFile);
  if (main === null) {
    reportError(
      diagnostics,
      { file: mainFile, line: 1, column: 1 },
      `pipeline file "${mainFile}" does not exist at this commit`,
    );
    return { root: null, files, ...diagnostics };
  }
  const mainRoot = rootOf(mainFile, main, null);
  if (mainRoot === null) return { root: null, files, ...diagnostics };
  const root = await expand(mainRoot, [mainFile]);
  return { root: diagnostics.errors.length > 0 ? null : root, files, ...diagnostics };
}

/** The files named by an `include:` value (a path, a list of paths, `{local: path}` or a list of those). */
function readIncludes(diagnostics: Diagnostics, node: YamlNode): Include[] {
  const what = 'a file path, {local: path} or a list of them';
  if (node.kind === 'seq') {
    return node.items.flatMap((item, index) => {
      const include = readInclude(diagnostics, item, indexWhere('include', index), what);
      return include ? [include] : [];
    });
  }
  const include = readInclude(diagnostics, node, 'include', what);
  return include ? [include] : [];
}

function readInclude(diagnostics: Diagnostics, node: YamlNode, where: string, what: string): Include | null {
  let pathNode: YamlNode = node;
  if (node.kind === 'map') {
    const before = diagnostics.errors.length;
    checkKeys(diagnostics, node, where, ['local'], unsupportedIncludeKeys);
    const local = mapValue(node, 'local');
    if (local === undefined && diagnostics.errors.length === before) {
      reportError(diagnostics, node.position, `${where}: expected local: with a file path`);
    }
    if (local === undefined || diagnostics.errors.length > before) return null;
    pathNode = local;
    where = `${where}:local`;
  }
  const raw = readString(diagnostics, pathNode, where, { what });
  if (raw === undefined) return null;
  const problem = pathProblem(raw);
  if (problem) {
    reportError(diagnostics, pathNode.position, `${where}: ${problem}`);
    return null;
  }
  return { path: normalizePath(raw)!, position: pathNode.position, where };
}

function pathProblem(path: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path))
    return 'only include:local is supported; remote URLs cannot be included';
  if (path.includes('$')) return 'variables in include paths are not supported; write the path literally';
  if (/[*?[\]{}]/.test(path)) return 'wildcard include paths are not supported; list each file';
  if (!/\.ya?ml$/.test(path)) return `expected a path ending in .yml or .yaml, got ${JSON.stringify(path)}`;
  if (normalizePath(path) === null) return `the path ${JSON.stringify(path)} leaves the repository`;
  return null;
}

/** `/ci/./a.yml` → `ci/a.yml`; null when `..` climbs above the root. */
function normalizePath(path: string): string | null {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.pop() === undefined) return null;
    } else parts.push(part);
  }
  return parts.join('/');
}
