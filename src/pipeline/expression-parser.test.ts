import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Expression, MAX_PARENTHESES, parseExpression } from './expression-parser.ts';

function show(expression: Expression): string {
  const operand = (o: Extract<Expression, { type: 'compare' }>['left']): string =>
    o.type === 'variable'
      ? `$${o.name}`
      : o.type === 'string'
        ? JSON.stringify(o.value)
        : o.type === 'null'
          ? 'null'
          : `/${o.source}/${o.flags}`;
  switch (expression.type) {
    case 'or':
    case 'and':
      return `(${show(expression.left)} ${expression.type} ${show(expression.right)})`;
    case 'compare':
      return `[${operand(expression.left)} ${expression.operator} ${operand(expression.right)}]`;
    default:
      return operand(expression.operand);
  }
}

function parse(text: string): string {
  const result = parseExpression(text);
  return result.ok ? show(result.expression) : `error@${result.offset}: ${result.message}`;
}

test('parses with && binding tighter than ||', () => {
  const table: Array<[string, string]> = [
    ['$A', '$A'],
    ['$A == "x"', '[$A == "x"]'],
    ['"x" != $A', '["x" != $A]'],
    ['$A == $B', '[$A == $B]'],
    ['$A == null', '[$A == null]'],
    ['$A =~ /^v\\d/i', '[$A =~ /^v\\d/i]'],
    ['$A !~ $PATTERN', '[$A !~ $PATTERN]'],
    ['$A || $B && $C', '($A or ($B and $C))'],
    ['$A && $B || $C', '(($A and $B) or $C)'],
    ['($A || $B) && $C', '(($A or $B) and $C)'],
    ['$A && $B && $C', '(($A and $B) and $C)'],
    ['((($A)))', '$A'],
    ["'x'", '"x"'],
  ];
  for (const [text, expected] of table) assert.equal(parse(text), expected, text);
});

test('reports syntax errors at the exact offset', () => {
  const table: Array<[string, string]> = [
    ['', 'error@0: empty expression; expected a variable, a "string", null or "("'],
    ['$A ==', 'error@5: expected a variable, a "string", null or "(", got the end of the expression'],
    ['$A == == "x"', 'error@6: expected a variable, a "string", null or "(", got "=="'],
    ['$A "x"', 'error@3: expected && or ||, got ""x""'],
    ['($A == "x"', 'error@10: expected ")" to close a "(", got the end of the expression'],
    ['$A)', 'error@2: unexpected ")" without a matching "("'],
    ['$A && || $B', 'error@6: expected a variable, a "string", null or "(", got "||"'],
    ['/x/ =~ $A', 'error@0: a /regex/ can only be the right side of =~ or !~'],
    ['$A == /x/', 'error@6: a /regex/ can only be the right side of =~ or !~'],
    ['/x/', 'error@0: a /regex/ can only be the right side of =~ or !~'],
    ['$A =~ "x"', 'error@6: expected a /regex/ or a variable after =~, got ""x""'],
    ['$A =~ null', 'error@6: expected a /regex/ or a variable after =~, got "null"'],
    [
      '$A =~ /x(?=y)/',
      'error@8: invalid regular expression: lookahead and lookbehind are not supported (GitLab uses RE2)',
    ],
    ['$A =~ /x/g', 'error@9: unsupported regular expression flag "g"; expected i, m or s'],
    ['$A =~ /[/', 'error@7: invalid regular expression: unterminated character class; expected "]"'],
    ['$A == "x" &&', 'error@12: expected a variable, a "string", null or "(", got the end of the expression'],
    ['$A == x', 'error@6: unexpected word "x"; quote strings ("x") and write variables as $x'],
  ];
  for (const [text, expected] of table) assert.equal(parse(text), expected, text);
});

test('bounds nesting', () => {
  const deep = `${'('.repeat(MAX_PARENTHESES + 1)}$A${')'.repeat(MAX_PARENTHESES + 1)}`;
  assert.equal(parse(deep), `error@${MAX_PARENTHESES}: parentheses nested deeper than ${MAX_PARENTHESES}`);
  const fine = `${'('.repeat(MAX_PARENTHESES)}$A${')'.repeat(MAX_PARENTHESES)}`;
  assert.equal(parse(fine), '$A');
});
