import { isMap, isSeq, LineCounter, type Node, parseAllDocuments, type Tags } from 'yaml';
import { GantryError } from '../../domain/errors.ts';
import type { KubeObject, RenderedObject } from './kube-object.ts';

/** Where a text of manifests came from. */
export interface ManifestText {
  /** Names the text in error positions: `deploy/web.yaml`, `output of helm template deploy/chart`. */
  name: string;
  /**
   * The `source` of an object whose node starts on `line`, in a document with the comment `comment`
   * before it (`helm template` names each template there); defaults to `name:line`.
   */
  sourceOf?: (line: number, comment: string) => string;
}

// Aliases are expanded into plain JSON: this caps a "billion laughs" document.
const MAX_ALIAS_COUNT = 1000;

const OBJECT_FIELDS = 'apiVersion, kind and metadata.name';

/**
 * Reads the Kubernetes objects of a YAML (or JSON) text holding any number of documents, the way
 * kubectl does: YAML 1.1 (`0644` is octal, `yes` is true) with merge keys, dates kept as strings,
 * empty documents skipped, and the items of a `List` (any kind ending in `List` with `items`)
 * taken as objects of their own.
 * @throws GantryError('validation_failed') as `name:line:column: what is wrong` for a syntax error,
 *   or a document that is not an object with apiVersion, kind and metadata.name.
 */
export function readManifestDocuments(text: string, from: ManifestText): RenderedObject[] {
  const lineCounter = new LineCounter();
  const at = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${from.name}:${line}:${col}`;
  };
  const sourceOf = (offset: number, comment: string): string => {
    const { line } = lineCounter.linePos(offset);
    return from.sourceOf ? from.sourceOf(line, comment) : `${from.name}:${line}`;
  };
  const documents = parseAllDocuments(text, {
    lineCounter,
    version: '1.1',
    merge: true,
    prettyErrors: false,
    uniqueKeys: true,
    customTags: withoutTimestamps,
  });
  const objects: RenderedObject[] = [];
  for (const document of documents) {
    const [error] = document.errors;
    if (error) throw invalid(`${at(error.pos[0])}: ${error.message}`);
    const contents = document.contents;
    if (contents === null) continue;
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (cause) {
      throw invalid(`${at(startOf(contents, 0))}: ${(cause as Error).message}`);
    }
    if (value === null) continue; // `---` followed by nothing but comments
    const comment = document.commentBefore ?? contents.commentBefore ?? '';
    const collect = (item: unknown, node: Node, fallback: number): void => {
      const offset = startOf(node, fallback);
      if (!isRecord(item)) {
        throw invalid(
          `${at(offset)}: expected a Kubernetes object with ${OBJECT_FIELDS}, got ${describe(item)}`,
        );
      }
      if (typeof item.kind === 'string' && item.kind.endsWith('List') && Array.isArray(item.items)) {
        const itemsNode = isMap(node) ? node.get('items', true) : undefined;
        item.items.forEach((listItem: unknown, index) => {
          const itemNode = isSeq(itemsNode) ? itemsNode.items[index] : undefined;
          collect(listItem, (itemNode as Node | undefined) ?? node, offset);
        });
        return;
      }
      const missing = missingFields(item);
      if (missing.length > 0) {
        throw invalid(
          `${at(offset)}: a Kubernetes object needs ${OBJECT_FIELDS}; this one has no ${missing.join(', ')}`,
        );
      }
      objects.push({ object: item as KubeObject, source: sourceOf(offset, comment) });
    };
    collect(value, contents, 0);
  }
  return objects;
}

function withoutTimestamps(tags: Tags): Tags {
  return tags.filter((tag) =>
    typeof tag === 'string' ? tag !== 'timestamp' : tag.tag !== 'tag:yaml.org,2002:timestamp',
  );
}

function startOf(node: Node, fallback: number): number {
  return node.range?.[0] ?? fallback;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function missingFields(item: Record<string, unknown>): string[] {
  const present = (value: unknown) => typeof value === 'string' && value !== '';
  const missing: string[] = [];
  if (!present(item.apiVersion)) missing.push('apiVersion');
  if (!present(item.kind)) missing.push('kind');
  if (!isRecord(item.metadata)) missing.push('metadata');
  else if (!present(item.metadata.name)) missing.push('metadata.name');
  return missing;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `the ${typeof value} ${JSON.stringify(value)}`;
}

const invalid = (message: string): GantryError => new GantryError('validation_failed', message);
