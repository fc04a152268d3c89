import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHttpUrl } from './http-url.ts';

const cases: Array<[string, boolean]> = [
  ['https://shop.example.com', true],
  ['http://127.0.0.1:8080/path?q=1', true],
  ['HTTPS://EXAMPLE.COM', true],
  ['ftp://example.com', false],
  ['javascript:alert(1)', false],
  ['/relative/path', false],
  ['https://exa mple.com', false],
  ['https://', false],
  ['$DYNAMIC_URL', false],
  ['', false],
];
for (const [text, expected] of cases) {
  test(`${JSON.stringify(text)} is ${expected ? '' : 'not '}an http URL`, () =>
    assert.equal(isHttpUrl(text), expected));
}
