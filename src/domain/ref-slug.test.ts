import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refSlug } from './ref-slug.ts';

const cases: Array<[string, string]> = [
  ['main', 'main'],
  ['feature/Login-Page', 'feature-login-page'],
  ['v1.2.3', 'v1-2-3'],
  ['--weird__name--', 'weird-name'],
  ['review/feature-x', 'review-feature-x'],
  ['a'.repeat(70), 'a'.repeat(63)],
  [`${'a'.repeat(62)}/b`, 'a'.repeat(62)],
];
for (const [input, expected] of cases)
  test(`${input.slice(0, 20)} → ${expected.slice(0, 20)}`, () => assert.equal(refSlug(input), expected));
