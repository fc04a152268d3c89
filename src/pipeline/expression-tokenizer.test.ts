import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_TOKENS, tokenizeExpression } from './expression-tokenizer.ts';

function kinds(text: string): string[] {
  const result = tokenizeExpression(text);
  if (!result.ok) return [`error@${result.offset}: ${result.message}`];
  return result.tokens.map((token) => {
    switch (token.type) {
      case 'variable':
        return `var:${token.name}@${token.offset}`;
      case 'string':
        return `str:${token.value}@${token.offset}`;
      case 'pattern':
        return `re:${token.source}/${token.flags}@${token.offset}`;
      case 'operator':
        return `op:${token.value}@${token.offset}`;
      default:
        return `${token.type}@${token.offset}`;
    }
  });
}

test('tokenizes every lexeme with offsets', () => {
  const table: Array<[string, string[]]> = [
    ['$CI_COMMIT_BRANCH == "main"', ['var:CI_COMMIT_BRANCH@0', 'op:==@18', 'str:main@21', 'end@27']],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: GitLab's ${VAR} syntax, not a template
    ["${A}!='x y'", ['var:A@0', 'op:!=@4', 'str:x y@6', 'end@11']],
    ['$T =~ /^v\\d+\\/x/i', ['var:T@0', 'op:=~@3', 're:^v\\d+\\/x/i@6', 'end@17']],
    [
      '($A||$B)&&$C !~ /x/',
      [
        'open@0',
        'var:A@1',
        'op:||@3',
        'var:B@5',
        'close@7',
        'op:&&@8',
        'var:C@10',
        'op:!~@13',
        're:x/@16',
        'end@19',
      ],
    ],
    ['$A == null', ['var:A@0', 'op:==@3', 'null@6', 'end@10']],
    ['"$NOT_EXPANDED"', ['str:$NOT_EXPANDED@0', 'end@15']],
    ['', ['end@0']],
  ];
  for (const [text, expected] of table) assert.deepEqual(kinds(text), expected, text);
});

test('reports lexical errors at the offending column', () => {
  const table: Array<[string, string]> = [
    ['$ == "x"', 'error@0: expected a variable name after $'],
    ['$A == "main', 'error@6: unterminated string; expected a closing "'],
    ["$A == 'main", "error@6: unterminated string; expected a closing '"],
    ['$A =~ /abc', 'error@6: unterminated regular expression; expected a closing /'],
    ['$A = "x"', 'error@3: unexpected "="; expected ==, !=, =~, !~, && or ||'],
    ['$A & $B', 'error@3: unexpected "&"; expected ==, !=, =~, !~, && or ||'],
    ['$A == main', 'error@6: unexpected word "main"; quote strings ("main") and write variables as $main'],
    ['$A == #', 'error@6: unexpected character "#"'],
  ];
  for (const [text, expected] of table) assert.deepEqual(kinds(text), [expected], text);
});

test('bounds the number of tokens', () => {
  const result = tokenizeExpression('$A && '.repeat(MAX_TOKENS));
  assert.equal(result.ok, false);
});
