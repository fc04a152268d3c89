import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type Scalar,
  type Tags,
} from 'yaml';
import { createDiagnostics, reportError, reportWarning } from './diagnostics.ts';
import type { PipelineError } from './pipeline-error.ts';
import { createScalarLocator, type ScalarStyle } from './scalar-locator.ts';
import {
  plainScalar,
  type SourcePosition,
  type YamlEntry,
  type YamlNode,
  type YamlScalar,
} from './yaml-node.ts';

/** Nodes after alias expansion beyond which a file is rejected (a guard against "billion laughs"). */
export const MAX_EXPANDED_NODES = 100_000;
/** Collection nesting beyond which a file is rejected. */
export const MAX_NESTING = 64;

/** The parsed file: `root` is null when it had syntax errors or holds no document. */
export interface ParsedSource {
  root: YamlNode | null;
  errors: PipelineError[];
  warnings: string[];
}

const allowedTags = new Set([
  'tag:yaml.org,2002:str',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:map',
  'tag:yaml.org,2002:seq',
]);

const rubyTrue = /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/;
const rubyFalse = /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;

/**
 * The `yaml` package's YAML 1.1 schema adjusted to what Ruby's parser (GitLab's) does: `y`/`n` stay
 * strings, and dates stay strings (GitLab rejects Date values anyway; a string is more useful).
 */
function rubyLikeTags(tags: Tags): Tags {
  const kept: Tags = [];
  for (const tag of tags) {
    if (typeof tag === 'string') {
      if (tag !== 'timestamp') kept.push(tag);
    } else if (tag.tag === 'tag:yaml.org,2002:timestamp') {
      // dropped: dates stay strings
    } else if (tag.tag === 'tag:yaml.org,2002:bool' && 'test' in tag && tag.test) {
      kept.push({ ...tag, test: tag.test.test('true') ? rubyTrue : rubyFalse });
    } else {
      kept.push(tag);
    }
  }
  return kept;
}

interface Converted {
  node: YamlNode;
  size: number;
}

/**
 * Parses one pipeline file with YAML 1.1 semantics (as GitLab's Ruby parser does: `yes`/`no` are
 * booleans, `<<` merge keys work) into a positioned tree. Syntax errors (including duplicate keys and
 * tab indentation) come from the `yaml` package with their line and column; unsupported tags such as
 * GitLab's `!reference`, unknown aliases and oversized alias expansions are reported here.
 */
export function parseYamlSource(file: string, text: string): ParsedSource {
  const diagnostics = createDiagnostics();
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    version: '1.1',
    merge: true,
    prettyErrors: false,
    uniqueKeys: true,
    customTags: rubyLikeTags,
  });
  const positionAt = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    return { file, line, column: col };
  };
  if (document.errors.length > 0) {
    for (const error of document.errors)
      reportError(diagnostics, positionAt(error.pos[0]), `invalid YAML: ${error.message}`);
    return { root: null, ...diagnostics };
  }
  for (const warning of document.warnings) {
    if (warning.code === 'TAG_RESOLVE_FAILED') continue; // reported as an error below
    reportWarning(diagnostics, positionAt(warning.pos[0]), warning.message);
  }
  const contents = document.contents;
  if (contents === null || (isScalar(contents) && contents.value === null))
    return { root: null, ...diagnostics };

  const memo = new Map<Node, Converted | 'converting'>();
  let failed = false;
  const fail = (offset: number, message: string): Converted => {
    failed = true;
    reportError(diagnostics, positionAt(offset), message);
    return { node: plainScalar(null, positionAt(offset)), size: 1 };
  };

  const scalarOf = (node: Scalar): YamlScalar => {
    const start = node.range?.[0] ?? 0;
    const end = node.range?.[1] ?? start;
    const position = positionAt(start);
    let value: YamlScalar['value'];
    if (
      node.value === null ||
      typeof node.value === 'string' ||
      typeof node.value === 'number' ||
      typeof node.value === 'boolean'
    ) {
      value = node.value;
    } else {
      value = text.slice(start, end);
    }
    if (typeof value !== 'string' || value.length === 0) return plainScalar(value, position);
    const offsetOf = createScalarLocator(text, start, end, (node.type ?? 'PLAIN') as ScalarStyle, value);
    return { kind: 'scalar', value, position, locate: (index) => positionAt(offsetOf(index)) };
  };

  const tagError = (node: Node, start: number): Converted | null => {
    let offset = start;
    const tag = node.tag;
    if (tag === undefined || allowedTags.has(tag)) return null;
    // The node's range starts after its tag; point at the tag itself when it is on the same line.
    let bang = text.lastIndexOf('!', offset);
    const lineStart = text.lastIndexOf('\n', offset) + 1;
    while (bang > lineStart && !/\s/.test(text[bang - 1]!)) bang--;
    if (bang >= lineStart) offset = bang;
    if (tag === '!reference') {
      return fail(
        offset,
        '!reference tags are not supported by Gantry; use extends: or YAML anchors instead',
      );
    }
    const shown = tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice(18)}` : tag;
    return fail(
      offset,
      `unsupported YAML tag ${shown}; expected plain strings, numbers, booleans, lists and mappings`,
    );
  };

  const convert = (node: Node | null, fallback: number, depth: number): Converted => {
    if (node === null) return { node: plainScalar(null, positionAt(fallback)), size: 1 };
    const start = node.range?.[0] ?? fallback;
    if (depth > MAX_NESTING) return fail(start, `nesting deeper than ${MAX_NESTING} levels`);
    const done = memo.get(node);
    if (done === 'converting') return fail(start, 'an alias refers to the collection that contains it');
    if (done !== undefined) return done;
    memo.set(node, 'converting');
    const result = convertNew(node, start, depth);
    memo.set(node, result);
    return result;
  };

  const convertNew = (node: Node, start: number, depth: number): Converted => {
    if (isAlias(node)) {
      const target = node.resolve(document);
      if (target === undefined)
        return fail(
          start,
          `unknown alias *${node.source}; expected an anchor (&${node.source}) defined before it`,
        );
      return convert(target, start, depth);
    }
    const badTag = tagError(node, start);
    if (badTag) return badTag;
    if (isScalar(node)) return { node: scalarOf(node), size: 1 };
    if (isSeq(node)) {
      const items: YamlNode[] = [];
      let size = 1;
      for (const item of node.items) {
        const converted = convert(item as Node | null, start, depth + 1);
        items.push(converted.node);
        size += converted.size;
        if (size > MAX_EXPANDED_NODES) return tooLarge(start);
      }
      return { node: { kind: 'seq', position: positionAt(start), items }, size };
    }
    if (isMap(node)) {
      const entries: YamlEntry[] = [];
      const explicit = new Set<string>();
      let size = 1;
      const put = (entry: YamlEntry, fromMerge: boolean): void => {
        const index = entries.findIndex((existing) => existing.key === entry.key);
        if (index === -1) entries.push(entry);
        else if (!fromMerge && !explicit.has(entry.key)) entries[index] = entry;
        else if (!fromMerge) reportDuplicate(entry);
        if (!fromMerge) explicit.add(entry.key);
      };
      const reportDuplicate = (entry: YamlEntry): void => {
        failed = true;
        reportError(diagnostics, entry.keyPosition, `invalid YAML: duplicate key "${entry.key}"`);
      };
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const keyStart = keyNode?.range?.[0] ?? start;
        if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
          // A `<<` merge key: bring in the entries of the referenced mapping(s) that are not set explicitly.
          const merged = convert(pair.value as Node | null, keyStart, depth + 1);
          const sources = merged.node.kind === 'seq' ? merged.node.items : [merged.node];
          for (const source of sources) {
            if (source.kind !== 'map') {
              fail(keyStart, 'a << merge key expects an alias of a mapping or a list of them');
              continue;
            }
            for (const entry of source.entries) put(entry, true);
          }
          size += merged.size;
          continue;
        }
        const key = keyOf(keyNode);
        if (key === null) {
          fail(keyStart, 'expected a plain key (a string), got a complex key');
          continue;
        }
        const value = convert(pair.value as Node | null, keyNode?.range?.[2] ?? keyStart, depth + 1);
        size += value.size;
        put({ key, keyPosition: positionAt(keyStart), value: value.node }, false);
        if (size > MAX_EXPANDED_NODES) return tooLarge(start);
      }
      return { node: { kind: 'map', position: positionAt(start), entries }, size };
    }
    return fail(start, 'unsupported YAML node');
  };

  const tooLarge = (offset: number): Converted =>
    fail(offset, `the document expands to more than ${MAX_EXPANDED_NODES} values (check aliases)`);

  const keyOf = (node: Node | null): string | null => {
    if (node === null) return null;
    if (isAlias(node)) {
      const target = node.resolve(document);
      return target === undefined ? null : keyOf(target);
    }
    if (!isScalar(node)) return null;
    if (typeof node.value === 'string') return node.value;
    if (node.value === null) return node.source ?? '';
    return node.source ?? String(node.value);
  };

  const root = convert(contents, 0, 0);
  if (failed) return { root: null, ...diagnostics };
  return { root: root.node, ...diagnostics };
}
