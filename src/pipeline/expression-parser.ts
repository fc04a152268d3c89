import { type ExpressionProblem, type ExpressionToken, tokenizeExpression } from './expression-tokenizer.ts';
import { checkRegexPattern } from './regex-pattern.ts';

/** A value in an expression. Strings are literal: GitLab does not expand variables inside them. */
export type ExpressionOperand =
  | { type: 'variable'; name: string }
  | { type: 'string'; value: string }
  | { type: 'null' }
  | { type: 'pattern'; source: string; flags: string };

/** A parsed `rules:if` expression: plain data, so a pipeline definition can be stored as JSON. */
export type Expression =
  | { type: 'or' | 'and'; left: Expression; right: Expression }
  | {
      type: 'compare';
      operator: '==' | '!=' | '=~' | '!~';
      left: ExpressionOperand;
      right: ExpressionOperand;
    }
  | { type: 'value'; operand: ExpressionOperand };

/** Deepest accepted nesting of parentheses. */
export const MAX_PARENTHESES = 50;

/** Thrown inside the parser to unwind to `parseExpression`, which returns its problem. */
class Failure {
  readonly problem: ExpressionProblem;
  constructor(offset: number, message: string) {
    this.problem = { ok: false, offset, message };
  }
}

const operandExpected = 'expected a variable, a "string", null or "("';

/**
 * Parses a `rules:if` expression. Precedence: `&&` binds tighter than `||`, both associate to the
 * left, parentheses group. A comparison is `operand op operand`; an operand alone tests presence (a
 * variable that is defined and not empty). A `/regex/` may only be the right side of `=~`/`!~`, whose
 * right side may also be a variable holding `/regex/` text. Regexes are checked here, so a bad one is
 * reported when the file is loaded, with the offset of the exact character.
 */
export function parseExpression(text: string): { ok: true; expression: Expression } | ExpressionProblem {
  const lexed = tokenizeExpression(text);
  if (!lexed.ok) return lexed;
  const tokens = lexed.tokens;
  let at = 0;
  let depth = 0;
  const peek = (): ExpressionToken => tokens[at]!;
  const shown = (token: ExpressionToken): string =>
    token.type === 'end'
      ? 'the end of the expression'
      : `"${text.slice(token.offset, token.offset + token.length)}"`;

  const operand = (): { operand: ExpressionOperand; token: ExpressionToken } => {
    const token = peek();
    switch (token.type) {
      case 'variable':
        at++;
        return { operand: { type: 'variable', name: token.name }, token };
      case 'string':
        at++;
        return { operand: { type: 'string', value: token.value }, token };
      case 'null':
        at++;
        return { operand: { type: 'null' }, token };
      case 'pattern': {
        at++;
        const problem = checkRegexPattern({ source: token.source, flags: token.flags });
        if (problem) throw new Failure(token.offset + 1 + problem.offset, problem.message);
        return { operand: { type: 'pattern', source: token.source, flags: token.flags }, token };
      }
      default:
        throw new Failure(token.offset, `${operandExpected}, got ${shown(token)}`);
    }
  };

  const patternMisplaced = (token: ExpressionToken): Failure =>
    new Failure(token.offset, 'a /regex/ can only be the right side of =~ or !~');

  const primary = (): Expression => {
    const token = peek();
    if (token.type === 'open') {
      if (++depth > MAX_PARENTHESES)
        throw new Failure(token.offset, `parentheses nested deeper than ${MAX_PARENTHESES}`);
      at++;
      const inner = disjunction();
      const close = peek();
      if (close.type !== 'close')
        throw new Failure(close.offset, `expected ")" to close a "(", got ${shown(close)}`);
      at++;
      depth--;
      return inner;
    }
    const left = operand();
    const next = peek();
    if (next.type !== 'operator' || next.value === '&&' || next.value === '||') {
      if (left.operand.type === 'pattern') throw patternMisplaced(left.token);
      return { type: 'value', operand: left.operand };
    }
    at++;
    if (left.operand.type === 'pattern') throw patternMisplaced(left.token);
    const right = operand();
    const matching = next.value === '=~' || next.value === '!~';
    if (matching && right.operand.type !== 'pattern' && right.operand.type !== 'variable') {
      throw new Failure(
        right.token.offset,
        `expected a /regex/ or a variable after ${next.value}, got ${shown(right.token)}`,
      );
    }
    if (!matching && right.operand.type === 'pattern') throw patternMisplaced(right.token);
    return { type: 'compare', operator: next.value, left: left.operand, right: right.operand };
  };

  const conjunction = (): Expression => {
    let left = primary();
    while (peek().type === 'operator' && (peek() as { value: string }).value === '&&') {
      at++;
      left = { type: 'and', left, right: primary() };
    }
    return left;
  };

  const disjunction = (): Expression => {
    let left = conjunction();
    while (peek().type === 'operator' && (peek() as { value: string }).value === '||') {
      at++;
      left = { type: 'or', left, right: conjunction() };
    }
    return left;
  };

  try {
    if (peek().type === 'end')
      return { ok: false, offset: 0, message: `empty expression; ${operandExpected}` };
    const expression = disjunction();
    const rest = peek();
    if (rest.type !== 'end') {
      const message =
        rest.type === 'close'
          ? 'unexpected ")" without a matching "("'
          : `expected && or ||, got ${shown(rest)}`;
      return { ok: false, offset: rest.offset, message };
    }
    return { ok: true, expression };
  } catch (error) {
    if (error instanceof Failure) return error.problem;
    throw error;
  }
}
