/**
 * Mutation fuzz: starting from the valid corpus, thousands of deterministic mutations (fixed seed)
 * must each load (and, when valid, plan) without throwing and within a hang-detecting time budget.
 * A companion fuzz feeds random text to the `rules:if` parser and random patterns to the regex engine.
 */
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { test } from 'node:test';
import { evaluateExpression } from '../../src/pipeline/expression-evaluator.ts';
import { parseExpression } from '../../src/pipeline/expression-parser.ts';
import {
  formatPipelineError,
  lintPipeline,
  loadPipeline,
  type PlanContext,
  planPipeline,
} from '../../src/pipeline/index.ts';
import { jobKeys } from '../../src/pipeline/job-keyword.ts';
import { compileRegex } from '../../src/pipeline/regex-engine.ts';
import { caseDirectories, contextsOf, mainFileOf, readerOf, repositoryFiles } from './corpus-support.ts';

const SEED = 0x5eed_2024;
const CASES = 2400;
/** Generous: a hang detector, not a benchmark. */
const BUDGET_MS = 2000;

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Every job keyword the compiler knows, plus top-level and nested words and some it must refuse.
const keywords = [
  ...jobKeys,
  'stages',
  'default',
  'workflow',
  'include',
  'services',
  'cache',
  'extends',
  'if',
  'changes',
  'exists',
  'local',
  'name',
  'url',
  'action',
  'on_stop',
  'auto_stop_in',
  'max',
  'paths',
  'expire_in',
  'reports',
  'dotenv',
  'manifests',
  'images',
  'containers',
  'strategy',
  'steps',
  'pause',
  'job',
  'optional',
  'exit_codes',
  'refs',
  'compare_to',
  '<<',
  '.hidden',
  'build',
  'test',
  'zzz',
  'trigger',
  'parallel',
  'kubernetes',
  'namespace',
  'deployment_tier',
];
const values = [
  'true',
  'false',
  'yes',
  'no',
  '42',
  '-1',
  '3',
  '2.5',
  '0777',
  'null',
  '~',
  '[]',
  '{}',
  '[a, b]',
  '{a: 1}',
  '""',
  "''",
  'never',
  '1 week',
  '30s',
  '1h 30m',
  'forever',
  'manual',
  'delayed',
  'on_success',
  'always',
  'stop',
  'main',
  'build',
  'test',
  '.pre',
  '.post',
  '$CI_COMMIT_TAG',
  '"$A == "',
  "'$A =~ /(a+)+$/'",
  '$A =~ /[/',
  '($A || $B',
  '$A == "x" && $B',
  '&anchor value',
  '*anchor',
  '*nope',
  '!reference [.x, script]',
  '!!binary aGk=',
  '|',
  '>-',
  '[1, [2, [3]]]',
  'ci/build.yml',
  'https://example.com/x.yml',
  '../x.yml',
  '"/^v\\d+$/"',
  '{name: x, action: stop}',
  '[10, 50, 100]',
  '"\\u0041"',
  `"${'a'.repeat(300)}"`,
  '{steps: [5, 1]}',
  '{exit_codes: [1, 300]}',
  '{max: 9}',
];
const noise = [
  '{',
  '}',
  '[',
  ']',
  ':',
  '"',
  "'",
  '&',
  '*',
  '!',
  '|',
  '>',
  '%',
  '@',
  '`',
  '#',
  ',',
  '?',
  '-',
  '\t',
  '\n',
  '$',
  '(',
  ')',
  '\\',
  '/',
  'é',
  '\u0000',
  '\ufeff',
  ' ',
  '<<:',
];

type Mutation = (text: string, random: () => number) => string;
const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;
const lineMutation =
  (change: (lines: string[], index: number, random: () => number) => void): Mutation =>
  (text, random) => {
    const lines = text.split('\n');
    change(lines, Math.floor(random() * lines.length), random);
    return lines.join('\n');
  };

const mutations: Array<[string, Mutation]> = [
  ['delete line', lineMutation((lines, i) => lines.splice(i, 1))],
  ['duplicate line', lineMutation((lines, i) => lines.splice(i, 0, lines[i]!))],
  [
    'swap lines',
    lineMutation((lines, i, random) => {
      const j = Math.floor(random() * lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    }),
  ],
  [
    'reindent',
    lineMutation((lines, i, random) => {
      const line = lines[i]!;
      const choice = random();
      if (choice < 0.4) lines[i] = `${' '.repeat(1 + Math.floor(random() * 4))}${line}`;
      else if (choice < 0.8) lines[i] = line.replace(/^ {1,4}/, '');
      else lines[i] = `\t${line.trimStart()}`;
    }),
  ],
  [
    'replace scalar',
    lineMutation((lines, i, random) => {
      const line = lines[i]!;
      const replacement = pick(values, random);
      if (/:\s+\S/.test(line)) lines[i] = line.replace(/(:\s+).*$/, `$1${replacement}`);
      else if (/^\s*- /.test(line)) lines[i] = line.replace(/(- ).*$/, `$1${replacement}`);
      else lines[i] = `${line}: ${replacement}`;
    }),
  ],
  [
    'replace key',
    lineMutation((lines, i, random) => {
      lines[i] = lines[i]!.replace(/^(\s*-?\s*)[^:\s][^:]*:/, `$1${pick(keywords, random)}:`);
    }),
  ],
  [
    'inject keyword',
    lineMutation((lines, i, random) => {
      const indent = ' '.repeat(pick([0, 2, 2, 4, 6], random));
      lines.splice(i, 0, `${indent}${pick(keywords, random)}: ${pick(values, random)}`);
    }),
  ],
  [
    'inject characters',
    (text, random) => {
      let out = text;
      const count = 1 + Math.floor(random() * 4);
      for (let n = 0; n < count; n++) {
        const at = Math.floor(random() * (out.length + 1));
        out = `${out.slice(0, at)}${pick(noise, random)}${out.slice(at)}`;
      }
      return out;
    },
  ],
  ['truncate', (text, random) => text.slice(0, Math.floor(random() * text.length))],
  [
    'duplicate block',
    (text, random) => {
      const lines = text.split('\n');
      const start = Math.floor(random() * lines.length);
      const end = Math.min(lines.length, start + 1 + Math.floor(random() * 8));
      return [...lines, ...lines.slice(start, end)].join('\n');
    },
  ],
];

interface Seed {
  name: string;
  main: string;
  files: Record<string, string>;
  context: PlanContext;
}

function seeds(): Seed[] {
  return caseDirectories('valid').map((directory) => ({
    name: basename(directory),
    main: mainFileOf(directory),
    files: repositoryFiles(directory),
    context: contextsOf(directory)[0]!,
  }));
}

function assertWellFormed(
  errors: ReadonlyArray<{ file: string; line: number; column: number; message: string }>,
  files: Record<string, string>,
  main: string,
): void {
  for (const error of errors) {
    assert.ok(error.file === main || Object.hasOwn(files, error.file), `error in unknown file ${error.file}`);
    assert.ok(Number.isInteger(error.line) && error.line >= 1, `line ${error.line}`);
    assert.ok(Number.isInteger(error.column) && error.column >= 1, `column ${error.column}`);
    assert.ok(error.message.length > 0);
    assert.ok(formatPipelineError(error).startsWith(`${error.file}:${error.line}:${error.column}: `));
  }
}

test(`mutation fuzz: ${CASES} cases from the valid corpus never throw or hang`, async (t) => {
  const random = prng(SEED);
  const corpus = seeds();
  let valid = 0;
  let created = 0;
  let slowest = 0;
  const failures: string[] = [];
  for (let index = 0; index < CASES; index++) {
    const seed = pick(corpus, random);
    const names = Object.keys(seed.files);
    const target = names.length > 1 && random() < 0.3 ? pick(names, random) : seed.main;
    let text = seed.files[target] ?? '';
    const applied: string[] = [];
    const count = random() < 0.6 ? 1 : 2 + Math.floor(random() * 2);
    for (let m = 0; m < count; m++) {
      const [name, mutate] = pick(mutations, random);
      applied.push(name);
      text = mutate(text, random);
    }
    const files = { ...seed.files, [target]: text };
    const started = performance.now();
    try {
      const loaded = await loadPipeline(seed.main, readerOf(files));
      if (loaded.ok) {
        valid++;
        const plan = planPipeline(loaded.definition, seed.context);
        if (plan.created) created++;
        assertWellFormed(plan.planErrors, files, seed.main);
        for (const job of plan.jobs) assert.ok(plan.stages.includes(job.stage));
      } else {
        assert.ok(loaded.errors.length > 0, 'an invalid file reports at least one error');
        assertWellFormed(loaded.errors, files, seed.main);
      }
      if (index % 10 === 0) await lintPipeline(seed.main, readerOf(files));
    } catch (error) {
      failures.push(
        `case ${index} (${seed.name}, ${target}, ${applied.join(' + ')}): ${error instanceof Error ? error.stack : String(error)}\n--- text ---\n${text}`,
      );
    }
    const elapsed = performance.now() - started;
    slowest = Math.max(slowest, elapsed);
    if (elapsed > BUDGET_MS)
      failures.push(`case ${index} (${seed.name}, ${applied.join(' + ')}) took ${Math.round(elapsed)} ms`);
  }
  t.diagnostic(
    `${CASES} cases (seed ${SEED}): ${valid} valid (${created} planned as created), ${CASES - valid} rejected; slowest ${Math.round(slowest)} ms`,
  );
  assert.deepEqual(failures.slice(0, 3), []);
});

test('expression fuzz: random rules:if text never throws or hangs', (t) => {
  const random = prng(SEED + 1);
  const pieces = [
    '$A',
    '$B',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: GitLab's ${VAR} syntax, not a template
    '${C}',
    '$',
    '"x"',
    "'y'",
    '"',
    "'",
    '/^a+$/',
    '/(a|a)*$/i',
    '/[/',
    '/',
    'null',
    '==',
    '!=',
    '=~',
    '!~',
    '&&',
    '||',
    '(',
    ')',
    ' ',
    '=',
    '!',
    '&',
    '|',
    'main',
    '#',
    '\\',
    '/x/g',
  ];
  const variables: Record<string, string> = { A: 'a'.repeat(200), B: '/^a+$/', C: '' };
  let parsed = 0;
  for (let index = 0; index < 3000; index++) {
    const length = 1 + Math.floor(random() * 12);
    const text = Array.from({ length }, () => pick(pieces, random)).join(random() < 0.5 ? ' ' : '');
    const started = performance.now();
    const result = parseExpression(text);
    if (result.ok) {
      parsed++;
      assert.equal(typeof evaluateExpression(result.expression, (name) => variables[name]), 'boolean');
    } else {
      assert.ok(
        result.offset >= 0 && result.offset <= text.length,
        `offset ${result.offset} in ${JSON.stringify(text)}`,
      );
    }
    assert.ok(performance.now() - started < BUDGET_MS, text);
  }
  t.diagnostic(`3000 expressions: ${parsed} parsed`);
});

test('expression round trip: generated expressions parse back to the same meaning', () => {
  const random = prng(SEED + 3);
  type Node = { text: string; value: (vars: Record<string, string | undefined>) => boolean };
  const names = ['A', 'B', 'C'];
  const literals = ['', 'x', 'main', 'v1.2'];
  const operand = (): { text: string; get: (vars: Record<string, string | undefined>) => string | null } => {
    const choice = random();
    if (choice < 0.5) {
      const name = pick(names, random);
      return { text: random() < 0.5 ? `$${name}` : `\${${name}}`, get: (vars) => vars[name] ?? null };
    }
    if (choice < 0.85) {
      const literal = pick(literals, random);
      return { text: random() < 0.5 ? `"${literal}"` : `'${literal}'`, get: () => literal };
    }
    return { text: 'null', get: () => null };
  };
  const generate = (depth: number): Node => {
    const choice = random();
    if (depth > 3 || choice < 0.45) {
      const left = operand();
      const kind = random();
      if (kind < 0.25) return { text: left.text, value: (vars) => (left.get(vars) ?? '') !== '' };
      if (kind < 0.7) {
        const right = operand();
        const equal = random() < 0.5;
        return {
          text: `${left.text} ${equal ? '==' : '!='} ${right.text}`,
          value: (vars) => (left.get(vars) === right.get(vars)) === equal,
        };
      }
      const negate = random() < 0.5;
      const [pattern, regex] = pick<[string, RegExp]>(
        [
          ['/^ma/', /^ma/],
          ['/\\d/', /\d/],
          ['/X/i', /X/i],
          ['/^$/', /^$/],
        ],
        random,
      );
      return {
        text: `${left.text} ${negate ? '!~' : '=~'} ${pattern}`,
        value: (vars) => {
          const subject = left.get(vars);
          const matched = subject !== null && regex.test(subject);
          return negate ? !matched : matched;
        },
      };
    }
    const left = generate(depth + 1);
    const right = generate(depth + 1);
    // Parenthesize both sides so the printed text has the generated structure whatever the precedence.
    const and = choice < 0.75;
    return {
      text: `(${left.text}) ${and ? '&&' : '||'} (${right.text})`,
      value: (vars) => (and ? left.value(vars) && right.value(vars) : left.value(vars) || right.value(vars)),
    };
  };
  const assignments: Array<Record<string, string | undefined>> = [];
  for (const a of [undefined, '', 'x', 'main', 'v1.2'])
    for (const b of [undefined, 'main', 'X']) assignments.push({ A: a, B: b, C: a });
  for (let index = 0; index < 1500; index++) {
    const node = generate(0);
    const parsed = parseExpression(node.text);
    assert.ok(parsed.ok, `${node.text}: ${parsed.ok ? '' : parsed.message}`);
    for (const vars of assignments) {
      assert.equal(
        evaluateExpression(parsed.expression, (name) => vars[name]),
        node.value(vars),
        `${node.text} with ${JSON.stringify(vars)}`,
      );
    }
  }
});

test('regex fuzz: random patterns compile or are rejected, and match in bounded time', (t) => {
  const random = prng(SEED + 2);
  const alphabet = [
    'a',
    'b',
    '.',
    '*',
    '+',
    '?',
    '|',
    '(',
    ')',
    '(?:',
    '[',
    ']',
    '^',
    '$',
    '\\d',
    '\\w',
    '\\b',
    '{2}',
    '{1,3}',
    '{2,}',
    '-',
    '\\',
    'x',
  ];
  const subject = `${'ab'.repeat(400)}a!`;
  let compiled = 0;
  for (let index = 0; index < 3000; index++) {
    const length = 1 + Math.floor(random() * 16);
    const source = Array.from({ length }, () => pick(alphabet, random)).join('');
    const started = performance.now();
    const result = compileRegex(source, random() < 0.3 ? 'i' : '');
    if (result.ok) {
      compiled++;
      const matched = result.program.test(subject);
      // Cross-check with JavaScript where both engines read the pattern the same way.
      let js: RegExp | null = null;
      try {
        js = new RegExp(source);
      } catch {
        js = null;
      }
      // JavaScript reads "[]" and "[^]" as empty/any classes; RE2 reads "]" right after "[" as a literal.
      if (js && !/\[\^?\]/.test(source)) {
        assert.equal(matched, js.test(subject), `/${source}/`);
      }
    } else {
      assert.ok(result.offset >= 0 && result.offset <= source.length, source);
    }
    assert.ok(performance.now() - started < BUDGET_MS, source);
  }
  t.diagnostic(`3000 patterns: ${compiled} compiled`);
});
