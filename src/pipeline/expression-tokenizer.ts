/** A lexical token of a `rules:if` expression; `offset` and `length` locate it in the expression text. */
export type ExpressionToken = { offset: number; length: number } & (
  | { type: 'variable'; name: string }
  | { type: 'string'; value: string }
  | { type: 'pattern'; source: string; flags: string }
  | { type: 'null' }
  | { type: 'operator'; value: '==' | '!=' | '=~' | '!~' | '&&' | '||' }
  | { type: 'open' }
  | { type: 'close' }
  | { type: 'end' }
);

/** A problem at `offset` (0-based, in the expression text). */
export interface ExpressionProblem {
  ok: false;
  offset: number;
  message: string;
}

/** Longest accepted expression, in tokens. */
export const MAX_TOKENS = 1000;

const operators = ['==', '!=', '=~', '!~', '&&', '||'] as const;

/**
 * Splits an expression into tokens: `$VAR` or `${VAR}`, `"string"` or `'string'` (no escapes, as in
 * GitLab), `/regex/flags` (a `\/` stays inside), `null`, the six operators and parentheses. The list
 * always ends with an `end` token.
 */
export function tokenizeExpression(
  text: string,
): { ok: true; tokens: ExpressionToken[] } | ExpressionProblem {
  const tokens: ExpressionToken[] = [];
  let i = 0;
  while (i < text.length) {
    if (tokens.length >= MAX_TOKENS) return problem(i, `expression longer than ${MAX_TOKENS} tokens`);
    const char = text[i]!;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    if (char === '$') {
      const match = /^\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/.exec(text.slice(i, i + 1024));
      if (!match) return problem(i, 'expected a variable name after $');
      tokens.push({ type: 'variable', name: match[1] ?? match[2]!, offset: i, length: match[0].length });
      i += match[0].length;
      continue;
    }
    if (char === '"' || char === "'") {
      const close = text.indexOf(char, i + 1);
      if (close === -1) return problem(i, `unterminated string; expected a closing ${char}`);
      tokens.push({ type: 'string', value: text.slice(i + 1, close), offset: i, length: close + 1 - i });
      i = close + 1;
      continue;
    }
    if (char === '/') {
      let end = i + 1;
      while (end < text.length && text[end] !== '/') end += text[end] === '\\' ? 2 : 1;
      if (end >= text.length) return problem(i, 'unterminated regular expression; expected a closing /');
      const flags = /^[A-Za-z]*/.exec(text.slice(end + 1, end + 65))![0];
      tokens.push({
        type: 'pattern',
        source: text.slice(i + 1, end),
        flags,
        offset: i,
        length: end + 1 + flags.length - i,
      });
      i = end + 1 + flags.length;
      continue;
    }
    if (char === '(' || char === ')') {
      tokens.push({ type: char === '(' ? 'open' : 'close', offset: i, length: 1 });
      i++;
      continue;
    }
    const operator = operators.find((candidate) => text.startsWith(candidate, i));
    if (operator) {
      tokens.push({ type: 'operator', value: operator, offset: i, length: 2 });
      i += 2;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(text.slice(i, i + 256))?.[0];
    if (word === 'null') {
      tokens.push({ type: 'null', offset: i, length: 4 });
      i += 4;
      continue;
    }
    if (word !== undefined) {
      return problem(
        i,
        `unexpected word "${word}"; quote strings ("${word}") and write variables as $${word}`,
      );
    }
    if ('=!&|'.includes(char)) return problem(i, `unexpected "${char}"; expected ==, !=, =~, !~, && or ||`);
    return problem(i, `unexpected character "${char}"`);
  }
  tokens.push({ type: 'end', offset: text.length, length: 0 });
  return { ok: true, tokens };
}

function problem(offset: number, message: string): ExpressionProblem {
  return { ok: false, offset, message };
}
