import { type Diagnostics, reportError } from './diagnostics.ts';
import { parseExpression } from './expression-parser.ts';
import { readString } from './node-readers.ts';
import type { ConditionSource } from './pipeline-definition.ts';
import type { YamlNode } from './yaml-node.ts';

/**
 * Reads a `rules:if` (or `only:variables`) expression, parsing it now so that a syntax error or a
 * bad regex is reported at the exact column inside the expression, mapped back to the file.
 */
export function readCondition(
  diagnostics: Diagnostics,
  node: YamlNode,
  where: string,
): ConditionSource | undefined {
  const text = readString(diagnostics, node, where, {
    what: 'an expression such as $CI_COMMIT_BRANCH == "main"',
  });
  if (text === undefined || node.kind !== 'scalar') return undefined;
  const parsed = parseExpression(text);
  if (!parsed.ok) {
    reportError(diagnostics, node.locate(parsed.offset), `${where}: ${parsed.message}`);
    return undefined;
  }
  return { text, expression: parsed.expression };
}
