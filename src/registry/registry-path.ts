/**
 * What a request under `/v2/` addresses, as the Registry HTTP API V2 (the OCI Distribution spec)
 * lays out its paths. A repository name is greedy (`a/b/manifests/c/manifests/latest` names
 * `a/b/manifests/c`), so paths are read from their end.
 */
export type RegistryPath =
  | { kind: 'base' }
  | { kind: 'catalog' }
  | { kind: 'tags'; name: string }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'upload'; name: string; uuid: string | null };

/** What a request does to a repository, from least to most privileged. */
export type RepositoryAction = 'pull' | 'push' | 'delete';

/** Distribution's grammar: lower-case components joined by `.`, `_`, `__` or runs of `-`. */
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Za-z0-9=_-]{32,}$/;
const UPLOAD_ID = /^[A-Za-z0-9_=-]{1,128}$/;
/** Distribution refuses longer repository names (NAME_INVALID). */
export const MAX_NAME_LENGTH = 255;

/** Whether `name` is a valid repository name (`group/app/web`). */
export function isRepositoryName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME_LENGTH && name.split('/').every((c) => COMPONENT.test(c));
}

/** Whether a manifest reference is a tag (as opposed to a digest). */
export function isTag(reference: string): boolean {
  return TAG.test(reference) && !reference.includes(':');
}

/** Whether `value` is a content digest (`sha256:…`). */
export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

/**
 * Parses the path (without query) of a request under `/v2/`; null when it is no endpoint of the
 * API or a part of it is malformed. Nothing is decoded: a `%` anywhere makes the path invalid, so
 * the path Gantry authorizes is byte for byte the path the backend serves.
 */
export function parseRegistryPath(pathname: string): RegistryPath | null {
  if (pathname === '/v2' || pathname === '/v2/') return { kind: 'base' };
  if (!pathname.startsWith('/v2/')) return null;
  if (pathname === '/v2/_catalog') return { kind: 'catalog' };
  const segments = pathname.slice('/v2/'.length).split('/');
  const at = (fromEnd: number) => segments[segments.length - fromEnd];
  const nameBefore = (count: number): string | null => {
    const name = segments.slice(0, segments.length - count).join('/');
    return isRepositoryName(name) ? name : null;
  };
  let parsed: RegistryPath | null = null;
  if (at(2) === 'tags' && at(1) === 'list') {
    const name = nameBefore(2);
    parsed = name === null ? null : { kind: 'tags', name };
  } else if (at(3) === 'blobs' && at(2) === 'uploads') {
    const uuid = at(1)!;
    const name = nameBefore(3);
    parsed =
      name === null || (uuid !== '' && !UPLOAD_ID.test(uuid))
        ? null
        : { kind: 'upload', name, uuid: uuid === '' ? null : uuid };
  } else if (at(2) === 'manifests') {
    const reference = at(1)!;
    const name = nameBefore(2);
    parsed =
      name === null || !(isTag(reference) || isDigest(reference))
        ? null
        : { kind: 'manifest', name, reference };
  } else if (at(2) === 'blobs') {
    const digest = at(1)!;
    const name = nameBefore(2);
    parsed = name === null || !isDigest(digest) ? null : { kind: 'blob', name, digest };
  }
  return parsed;
}

/**
 * What a method does on a repository endpoint: reads pull, uploads and manifest writes push,
 * deleting a manifest or blob deletes (cancelling an upload is part of pushing). Null for a
 * method the endpoint does not have.
 */
export function repositoryAction(
  method: string,
  path: Exclude<RegistryPath, { kind: 'base' | 'catalog' }>,
): RepositoryAction | null {
  const read = method === 'GET' || method === 'HEAD';
  switch (path.kind) {
    case 'tags':
      return read ? 'pull' : null;
    case 'manifest':
      return read ? 'pull' : method === 'PUT' ? 'push' : method === 'DELETE' ? 'delete' : null;
    case 'blob':
      return read ? 'pull' : method === 'DELETE' ? 'delete' : null;
    case 'upload':
      if (path.uuid === null) return method === 'POST' ? 'push' : null;
      return read || ['PATCH', 'PUT', 'DELETE'].includes(method) ? 'push' : null;
  }
}

/**
 * The project paths (lower case) a repository name may belong to, longest first: `a/b/web`
 * belongs to project `a/b/web`, else `a/b`, else `a`.
 */
export function projectPathCandidates(name: string): string[] {
  const components = name.split('/');
  return components.map((_, index) => components.slice(0, components.length - index).join('/'));
}
