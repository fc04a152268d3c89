/**
 * A small regular-expression engine with RE2's guarantee: matching takes time linear in the subject
 * (a Thompson NFA simulated over state sets, no backtracking), so no pattern can hang the server.
 * It accepts the syntax GitLab's RE2 and JavaScript share: literals, `.`, classes (`[a-z]`, `[^/]`,
 * `\d \w \s` and their negations), anchors (`^ $ \b \B`, RE2's `\A \z`), groups (`(…)`, `(?:…)`,
 * `(?<name>…)`, `(?P<name>…)`), alternation and quantifiers (`* + ? {n} {n,} {n,m}`, lazy forms).
 * Backreferences and lookaround, which RE2 lacks, are rejected. Flags: `i`, `m` (line anchors), `s`
 * (dot matches newline). Matching answers only "is there a match anywhere", which is all rules need.
 */

type CharTest = (code: number) => boolean;
type AssertKind = 'lineStart' | 'lineEnd' | 'textStart' | 'textEnd' | 'wordBoundary' | 'notWordBoundary';

type RegexNode =
  | { type: 'empty' }
  | { type: 'char'; test: CharTest }
  | { type: 'assert'; kind: AssertKind }
  | { type: 'concat'; items: RegexNode[] }
  | { type: 'alt'; options: RegexNode[] }
  | { type: 'repeat'; node: RegexNode; min: number; max: number };

/** A compiled pattern. */
export interface RegexProgram {
  test(subject: string): boolean;
}

/** A rejected pattern: `offset` is the character (in the pattern source) the problem is at. */
export interface RegexProblem {
  offset: number;
  message: string;
}

/** Largest `{n,m}` count (RE2's limit). */
export const MAX_REPEAT = 1000;
/** Largest compiled program, in NFA states. */
export const MAX_STATES = 5000;

class ParseFailure {
  readonly problem: RegexProblem;
  constructor(offset: number, message: string) {
    this.problem = { offset, message };
  }
}

const isWord = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
const isDigit = (code: number): boolean => code >= 48 && code <= 57;
const isSpace = (code: number): boolean => code === 32 || (code >= 9 && code <= 13);
const not =
  (test: CharTest): CharTest =>
  (code) =>
    !test(code);

/** Compiles `source` with `flags` (a subset of `ims`), or says where and why it cannot. */
export function compileRegex(
  source: string,
  flags: string,
): { ok: true; program: RegexProgram } | ({ ok: false } & RegexProblem) {
  try {
    const ast = new Parser(source, flags).parse();
    return { ok: true, program: new Program(ast) };
  } catch (error) {
    if (error instanceof ParseFailure) return { ok: false, ...error.problem };
    throw error;
  }
}

class Parser {
  readonly #source: string;
  readonly #ignoreCase: boolean;
  readonly #multiline: boolean;
  readonly #dotAll: boolean;
  #at = 0;

  constructor(source: string, flags: string) {
    this.#source = source;
    this.#ignoreCase = flags.includes('i');
    this.#multiline = flags.includes('m');
    this.#dotAll = flags.includes('s');
  }

  parse(): RegexNode {
    const node = this.#alternation(0);
    if (this.#at < this.#source.length) throw new ParseFailure(this.#at, 'unmatched ")"');
    return node;
  }

  #alternation(depth: number): RegexNode {
    if (depth > 100) throw new ParseFailure(this.#at, 'groups nested deeper than 100 levels');
    const options = [this.#concatenation(depth)];
    while (this.#source[this.#at] === '|') {
      this.#at++;
      options.push(this.#concatenation(depth));
    }
    return options.length === 1 ? options[0]! : { type: 'alt', options };
  }

  #concatenation(depth: number): RegexNode {
    const items: RegexNode[] = [];
    while (this.#at < this.#source.length) {
      const char = this.#source[this.#at]!;
      if (char === '|' || char === ')') break;
      items.push(this.#quantified(this.#atom(depth)));
    }
    if (items.length === 0) return { type: 'empty' };
    return items.length === 1 ? items[0]! : { type: 'concat', items };
  }

  #quantified(atom: RegexNode): RegexNode {
    const quantifier = this.#quantifier();
    if (!quantifier) return atom;
    if (atom.type === 'assert') throw new ParseFailure(quantifier.offset, 'nothing to repeat');
    if (this.#source[this.#at] === '?') this.#at++; // lazy: the same for a yes/no match
    const next = this.#quantifier();
    if (next) throw new ParseFailure(next.offset, 'a quantifier cannot follow another quantifier');
    return atom.type === 'empty'
      ? atom
      : { type: 'repeat', node: atom, min: quantifier.min, max: quantifier.max };
  }

  #quantifier(): { min: number; max: number; offset: number } | null {
    const offset = this.#at;
    const char = this.#source[offset];
    if (char === '*' || char === '+' || char === '?') {
      this.#at++;
      return { min: char === '+' ? 1 : 0, max: char === '?' ? 1 : Number.POSITIVE_INFINITY, offset };
    }
    if (char !== '{') return null;
    const match = /^\{(\d+)(,(\d*))?\}/.exec(this.#source.slice(offset, offset + 16));
    if (!match) return null; // a literal "{", as both RE2 and JavaScript read it
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === '' ? Number.POSITIVE_INFINITY : Number(match[3]);
    if (min > MAX_REPEAT || (max !== Number.POSITIVE_INFINITY && max > MAX_REPEAT)) {
      throw new ParseFailure(offset, `repetition count above ${MAX_REPEAT}`);
    }
    if (max < min) throw new ParseFailure(offset, `invalid repetition range ${match[0]}`);
    this.#at += match[0].length;
    return { min, max, offset };
  }

  #atom(depth: number): RegexNode {
    const start = this.#at;
    const char = this.#source[this.#at++]!;
    switch (char) {
      case '(':
        return this.#group(start, depth);
      case '[':
        return this.#charClass(start);
      case '.':
        return { type: 'char', test: this.#dotAll ? () => true : (code) => code !== 10 };
      case '^':
        return { type: 'assert', kind: this.#multiline ? 'lineStart' : 'textStart' };
      case '$':
        return { type: 'assert', kind: this.#multiline ? 'lineEnd' : 'textEnd' };
      case '\\':
        return this.#escape(start, false);
      case '*':
      case '+':
      case '?':
        throw new ParseFailure(start, 'nothing to repeat');
      default:
        if (char === '{' && /^\{\d+(,\d*)?\}/.test(this.#source.slice(start, start + 16))) {
          throw new ParseFailure(start, 'nothing to repeat');
        }
        return this.#literal(char.charCodeAt(0));
    }
  }

  #group(start: number, depth: number): RegexNode {
    if (this.#source[this.#at] === '?') {
      const rest = this.#source.slice(this.#at, this.#at + 4);
      if (/^\?<?[=!]/.test(rest))
        throw new ParseFailure(start, 'lookahead and lookbehind are not supported (GitLab uses RE2)');
      const named = /^\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(this.#source.slice(this.#at, this.#at + 64));
      if (rest.startsWith('?:')) this.#at += 2;
      else if (named) this.#at += named[0].length;
      else if (/^\?[a-zA-Z-]+[:)]/.test(this.#source.slice(this.#at, this.#at + 16))) {
        throw new ParseFailure(
          start,
          'inline flags such as (?i) are not supported; put flags after the closing slash',
        );
      } else throw new ParseFailure(start, 'invalid group; expected (, (?:, (?<name> or (?P<name>');
    }
    const inner = this.#alternation(depth + 1);
    if (this.#source[this.#at] !== ')') throw new ParseFailure(start, 'unterminated group; expected ")"');
    this.#at++;
    return inner;
  }

  #charClass(start: number): RegexNode {
    const source = this.#source;
    const negated = source[this.#at] === '^';
    if (negated) this.#at++;
    const tests: CharTest[] = [];
    let first = true;
    while (true) {
      if (this.#at >= source.length)
        throw new ParseFailure(start, 'unterminated character class; expected "]"');
      const char = source[this.#at]!;
      if (char === ']' && !first) {
        this.#at++;
        break;
      }
      first = false;
      const itemStart = this.#at;
      const low = this.#classAtom();
      if (typeof low !== 'number') {
        tests.push(low);
        continue;
      }
      if (source[this.#at] === '-' && source[this.#at + 1] !== ']' && this.#at + 1 < source.length) {
        this.#at++;
        const high = this.#classAtom();
        if (typeof high !== 'number') throw new ParseFailure(itemStart, 'invalid range in character class');
        if (high < low)
          throw new ParseFailure(
            itemStart,
            `invalid range ${String.fromCharCode(low)}-${String.fromCharCode(high)} in character class`,
          );
        tests.push((code) => code >= low && code <= high);
      } else {
        tests.push((code) => code === low);
      }
    }
    const matches: CharTest = (code) => tests.some((test) => test(code));
    const folded = this.#ignoreCase ? caseless(matches) : matches;
    return { type: 'char', test: negated ? not(folded) : folded };
  }

  /** One character of a class (its code) or a class escape such as `\d` (its test). */
  #classAtom(): number | CharTest {
    const start = this.#at;
    const char = this.#source[this.#at++]!;
    if (char !== '\\') return char.charCodeAt(0);
    const escaped = this.#escape(start, true);
    if (escaped.type !== 'char') throw new ParseFailure(start, 'unsupported escape in character class');
    const code = (escaped as { literal?: number }).literal;
    return code ?? escaped.test;
  }

  #escape(start: number, inClass: boolean): RegexNode & { literal?: number } {
    const source = this.#source;
    if (this.#at >= source.length) throw new ParseFailure(start, 'trailing backslash');
    const char = source[this.#at++]!;
    switch (char) {
      case 'd':
        return { type: 'char', test: isDigit };
      case 'D':
        return { type: 'char', test: not(isDigit) };
      case 'w':
        return { type: 'char', test: isWord };
      case 'W':
        return { type: 'char', test: not(isWord) };
      case 's':
        return { type: 'char', test: isSpace };
      case 'S':
        return { type: 'char', test: not(isSpace) };
      case 'b':
        return inClass ? this.#literalOf(8) : { type: 'assert', kind: 'wordBoundary' };
      case 'B':
        if (inClass) throw new ParseFailure(start, 'unsupported escape \\B in character class');
        return { type: 'assert', kind: 'notWordBoundary' };
      case 'A':
      case 'z':
        if (inClass) throw new ParseFailure(start, `unsupported escape \\${char} in character class`);
        return { type: 'assert', kind: char === 'A' ? 'textStart' : 'textEnd' };
      case 'n':
        return this.#literalOf(10);
      case 'r':
        return this.#literalOf(13);
      case 't':
        return this.#literalOf(9);
      case 'f':
        return this.#literalOf(12);
      case 'v':
        return this.#literalOf(11);
      case '0':
        return this.#literalOf(0);
      case 'x':
      case 'u': {
        const hex =
          char === 'x'
            ? /^(?:\{([0-9A-Fa-f]{1,4})\}|([0-9A-Fa-f]{2}))/.exec(source.slice(this.#at, this.#at + 6))
            : /^(?:([0-9A-Fa-f]{4}))/.exec(source.slice(this.#at, this.#at + 4));
        if (!hex) throw new ParseFailure(start, `invalid \\${char} escape`);
        this.#at += hex[0].length;
        return this.#literalOf(Number.parseInt(hex[1] ?? hex[2]!, 16));
      }
      case 'p':
      case 'P':
        throw new ParseFailure(start, 'Unicode character classes (\\p) are not supported');
      case 'k':
        throw new ParseFailure(start, 'backreferences are not supported (GitLab uses RE2)');
      default:
        if (/[1-9]/.test(char))
          throw new ParseFailure(start, 'backreferences are not supported (GitLab uses RE2)');
        if (/[A-Za-z0-9]/.test(char)) throw new ParseFailure(start, `unknown escape \\${char}`);
        return this.#literalOf(char.charCodeAt(0));
    }
  }

  #literalOf(code: number): RegexNode & { literal: number } {
    return { ...(this.#literal(code) as { type: 'char'; test: CharTest }), literal: code };
  }

  #literal(code: number): RegexNode {
    const test: CharTest = (candidate) => candidate === code;
    return { type: 'char', test: this.#ignoreCase ? caseless(test) : test };
  }
}

function caseless(test: CharTest): CharTest {
  return (code) => {
    if (test(code)) return true;
    const char = String.fromCharCode(code);
    const lower = char.toLowerCase();
    const upper = char.toUpperCase();
    return (
      (lower.length === 1 && test(lower.charCodeAt(0))) || (upper.length === 1 && test(upper.charCodeAt(0)))
    );
  };
}

const CHAR = 0;
const SPLIT = 1;
const ASSERT = 2;
const MATCH = 3;

/** The NFA: parallel arrays indexed by state. */
class Program implements RegexProgram {
  readonly #kinds: number[] = [];
  readonly #tests: Array<CharTest | null> = [];
  readonly #asserts: Array<AssertKind | null> = [];
  readonly #next: number[] = [];
  readonly #alt: number[] = [];
  readonly #start: number;

  constructor(ast: RegexNode) {
    if (estimate(ast) > MAX_STATES)
      throw new ParseFailure(0, `regular expression too complex (more than ${MAX_STATES} states)`);
    const match = this.#add(MATCH, -1);
    this.#start = this.#emit(ast, match);
  }

  #add(
    kind: number,
    next: number,
    test: CharTest | null = null,
    assert: AssertKind | null = null,
    alt = -1,
  ): number {
    this.#kinds.push(kind);
    this.#next.push(next);
    this.#alt.push(alt);
    this.#tests.push(test);
    this.#asserts.push(assert);
    return this.#kinds.length - 1;
  }

  /** Emits `node` so that it continues at `next`; returns its entry state. */
  #emit(node: RegexNode, next: number): number {
    switch (node.type) {
      case 'empty':
        return next;
      case 'char':
        return this.#add(CHAR, next, node.test);
      case 'assert':
        return this.#add(ASSERT, next, null, node.kind);
      case 'concat': {
        let entry = next;
        for (let i = node.items.length - 1; i >= 0; i--) entry = this.#emit(node.items[i]!, entry);
        return entry;
      }
      case 'alt': {
        const entries = node.options.map((option) => this.#emit(option, next));
        let entry = entries[entries.length - 1]!;
        for (let i = entries.length - 2; i >= 0; i--)
          entry = this.#add(SPLIT, entries[i]!, null, null, entry);
        return entry;
      }
      case 'repeat': {
        let entry = next;
        if (node.max === Number.POSITIVE_INFINITY) {
          const loop = this.#add(SPLIT, -1, null, null, next);
          this.#next[loop] = this.#emit(node.node, loop);
          entry = loop;
        } else {
          for (let i = node.min; i < node.max; i++)
            entry = this.#add(SPLIT, this.#emit(node.node, entry), null, null, next);
        }
        for (let i = 0; i < node.min; i++) entry = this.#emit(node.node, entry);
        return entry;
      }
    }
  }

  test(subject: string): boolean {
    const size = this.#kinds.length;
    const seen = new Int32Array(size).fill(-1);
    let current: number[] = [];
    let following: number[] = [];
    const stack: number[] = [];
    const holds = (kind: AssertKind, at: number): boolean => {
      const before = at > 0 ? subject.charCodeAt(at - 1) : -1;
      const after = at < subject.length ? subject.charCodeAt(at) : -1;
      switch (kind) {
        case 'textStart':
          return at === 0;
        case 'textEnd':
          return at === subject.length;
        case 'lineStart':
          return at === 0 || before === 10;
        case 'lineEnd':
          return at === subject.length || after === 10;
        case 'wordBoundary':
          return (before !== -1 && isWord(before)) !== (after !== -1 && isWord(after));
        case 'notWordBoundary':
          return (before !== -1 && isWord(before)) === (after !== -1 && isWord(after));
      }
    };
    /** Adds `state` and everything reachable without consuming a character; true on reaching MATCH. */
    const addClosure = (list: number[], state: number, at: number, mark: number): boolean => {
      stack.push(state);
      while (stack.length > 0) {
        const s = stack.pop()!;
        if (s < 0 || seen[s] === mark) continue;
        seen[s] = mark;
        const kind = this.#kinds[s]!;
        if (kind === MATCH) {
          stack.length = 0;
          return true;
        }
        if (kind === CHAR) list.push(s);
        else if (kind === SPLIT) stack.push(this.#alt[s]!, this.#next[s]!);
        else if (holds(this.#asserts[s]!, at)) stack.push(this.#next[s]!);
      }
      return false;
    };
    for (let at = 0; at <= subject.length; at++) {
      // Unanchored search: a match may start at every position.
      if (addClosure(current, this.#start, at, at)) return true;
      if (at === subject.length) break;
      const code = subject.charCodeAt(at);
      following.length = 0;
      for (const state of current) {
        if (this.#tests[state]!(code) && addClosure(following, this.#next[state]!, at + 1, at + 1))
          return true;
      }
      [current, following] = [following, current];
    }
    return false;
  }
}

/** An upper bound of the states `node` compiles to. */
function estimate(node: RegexNode): number {
  switch (node.type) {
    case 'empty':
      return 0;
    case 'char':
    case 'assert':
      return 1;
    case 'concat':
      return node.items.reduce((sum, item) => sum + estimate(item), 0);
    case 'alt':
      return node.options.reduce((sum, option) => sum + estimate(option) + 1, 0);
    case 'repeat': {
      const copies = node.max === Number.POSITIVE_INFINITY ? node.min + 1 : node.max;
      return (estimate(node.node) + 1) * Math.max(copies, 1);
    }
  }
}
