import type { Expression, ExpressionOperand } from './expression-parser.ts';
import { compileRegexPattern, parseRegexLiteral } from './regex-pattern.ts';

/**
 * Evaluates a parsed expression with GitLab's semantics: an undefined variable is `null` (so
 * `$X == null` is true and `$X == ""` is false when X is undefined); an operand alone is true when it
 * is a non-empty string; `=~` is an unanchored search that is false for a `null` left side, and `!~` is
 * its negation. A variable on the right of `=~` must hold `/regex/flags` text; anything else (or a
 * regex Gantry rejects) does not match. Never throws.
 */
export function evaluateExpression(
  expression: Expression,
  lookup: (name: string) => string | undefined,
): boolean {
  switch (expression.type) {
    case 'or':
      return evaluateExpression(expression.left, lookup) || evaluateExpression(expression.right, lookup);
    case 'and':
      return evaluateExpression(expression.left, lookup) && evaluateExpression(expression.right, lookup);
    case 'value': {
      const value = operandValue(expression.operand, lookup);
      return value !== null && value !== '';
    }
    case 'compare': {
      const left = operandValue(expression.left, lookup);
      if (expression.operator === '==' || expression.operator === '!=') {
        const equal = left === operandValue(expression.right, lookup);
        return expression.operator === '==' ? equal : !equal;
      }
      const matched = left !== null && matches(left, expression.right, lookup);
      return expression.operator === '=~' ? matched : !matched;
    }
  }
}

function operandValue(
  operand: ExpressionOperand,
  lookup: (name: string) => string | undefined,
): string | null {
  switch (operand.type) {
    case 'variable':
      return lookup(operand.name) ?? null;
    case 'string':
      return operand.value;
    case 'null':
      return null;
    case 'pattern':
      return `/${operand.source}/${operand.flags}`;
  }
}

function matches(
  subject: string,
  right: ExpressionOperand,
  lookup: (name: string) => string | undefined,
): boolean {
  let pattern = right.type === 'pattern' ? { source: right.source, flags: right.flags } : null;
  if (right.type === 'variable') {
    const text = lookup(right.name);
    pattern = text === undefined ? null : parseRegexLiteral(text);
  }
  return (pattern && compileRegexPattern(pattern)?.test(subject)) ?? false;
}
