import { DEPLOYMENT_ANNOTATION } from './gantry-metadata.ts';
import { apiGroupOf, type KubeObject } from './kube-object.ts';

/**
 * One field whose live value is not the one Gantry would apply. `path` is a JSON Pointer (RFC 6901)
 * into the object: `/spec/template/spec/containers/0/image`, `/metadata/labels/app.kubernetes.io~1name`.
 * A side without the field has no `expected` or `actual`.
 */
export interface Difference {
  path: string;
  expected?: unknown;
  actual?: unknown;
}

/** What a Secret's values are shown as: whether they differ is told, never what they are. */
export const SECRET_VALUE = '(secret value)';

/**
 * Written by the API server and controllers, never by an apply: a live object and the result of
 * applying it again differ here without anyone having changed it.
 */
const SERVER_FIELDS = [
  '/status',
  '/metadata/resourceVersion',
  '/metadata/generation',
  '/metadata/managedFields',
  '/metadata/creationTimestamp',
  '/metadata/uid',
  '/metadata/selfLink',
];

/**
 * Gantry's note of which deployment last applied the object: it changes with every apply, including
 * one of a deployment that failed afterwards, so it would mark every object as drifted and bury the
 * differences that matter (the failed release's image shows as such).
 */
const BOOKKEEPING_FIELDS = [`/metadata/annotations/${pointerSegment(DEPLOYMENT_ANNOTATION)}`];

/** Whether a path of a Secret holds a value: a key of `data` or `stringData`, or `kubectl apply`'s copy of the object. */
const isSecretValue = (path: string) =>
  path.startsWith('/data/') ||
  path.startsWith('/stringData/') ||
  path === `/metadata/annotations/${pointerSegment('kubectl.kubernetes.io/last-applied-configuration')}`;

const isUnder = (path: string, prefixes: readonly string[]) =>
  prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));

/**
 * The differences between `expected` (what applying the deployment's manifest again would leave,
 * from a server-side apply dry run) and `actual` (the live object), ignoring the fields the server
 * writes by itself and Gantry's `gantry.dev/deployment` annotation. Lists of objects that all have a distinct `name` (containers, env, volumes,
 * ports) are compared by name, other lists by position. A Secret's values are replaced by
 * {@link SECRET_VALUE}.
 */
export function objectDifferences(expected: KubeObject, actual: KubeObject): Difference[] {
  const found: Difference[] = [];
  compare(expected, actual, '', found);
  const secret = apiGroupOf(expected.apiVersion) === '' && expected.kind === 'Secret';
  return secret ? found.map(maskSecret) : found;
}

function maskSecret(difference: Difference): Difference {
  return {
    path: difference.path,
    ...(difference.expected !== undefined && { expected: masked(difference.path, difference.expected) }),
    ...(difference.actual !== undefined && { actual: masked(difference.path, difference.actual) }),
  };
}

/** The value at `path` of a Secret with every secret value in it replaced (a whole `data` map keeps its keys). */
function masked(path: string, value: unknown): unknown {
  if (isSecretValue(path)) return SECRET_VALUE;
  if (!isMapping(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, masked(`${path}/${pointerSegment(key)}`, item)]),
  );
}

type Mapping = Record<string, unknown>;

const isMapping = (value: unknown): value is Mapping =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function compare(expected: unknown, actual: unknown, path: string, found: Difference[]): void {
  if (isUnder(path, SERVER_FIELDS) || BOOKKEEPING_FIELDS.includes(path)) return;
  if (isMapping(expected) && isMapping(actual)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const key of keys) compare(expected[key], actual[key], `${path}/${pointerSegment(key)}`, found);
  } else if (Array.isArray(expected) && Array.isArray(actual)) {
    compareLists(expected, actual, path, found);
  } else if (expected !== actual) {
    found.push({
      path,
      ...(expected !== undefined && { expected }),
      ...(actual !== undefined && { actual }),
    });
  }
}

function compareLists(expected: unknown[], actual: unknown[], path: string, found: Difference[]): void {
  const expectedByName = byName(expected);
  const actualByName = byName(actual);
  if (expectedByName && actualByName) {
    // Named items keep their path by where they are live; one only expected, by where it would be.
    const names = new Set([...actualByName.keys(), ...expectedByName.keys()]);
    for (const name of names) {
      const live = actualByName.get(name);
      const wanted = expectedByName.get(name);
      const index = live?.index ?? wanted?.index ?? 0;
      compare(wanted?.item, live?.item, `${path}/${index}`, found);
    }
    return;
  }
  for (let index = 0; index < Math.max(expected.length, actual.length); index += 1) {
    compare(expected[index], actual[index], `${path}/${index}`, found);
  }
}

/** The items by their `name`, when every item is a mapping with a distinct string name. */
function byName(items: unknown[]): Map<string, { item: Mapping; index: number }> | undefined {
  const named = new Map<string, { item: Mapping; index: number }>();
  for (const [index, item] of items.entries()) {
    if (!isMapping(item) || typeof item.name !== 'string' || named.has(item.name)) return undefined;
    named.set(item.name, { item, index });
  }
  return items.length > 0 ? named : undefined;
}

/** A key as one segment of a JSON Pointer: `~` becomes `~0`, `/` becomes `~1`. */
function pointerSegment(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}
