import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHtml, markdownToHtml } from './markdown.ts';

test('Markdown becomes HTML: headings, lists, code, tables', () => {
  const html = markdownToHtml(
    ['# Notes', '', '- **fast** deploys', '- `code <b>`', '', '| a | b |', '| - | - |', '| 1 | 2 |'].join(
      '\n',
    ),
  );
  assert.match(html, /<h1>Notes<\/h1>/);
  assert.match(html, /<li><strong>fast<\/strong> deploys<\/li>/);
  assert.match(html, /<code>code &lt;b&gt;<\/code>/);
  assert.match(html, /<table>/);
});

test('raw HTML is shown as text, never interpreted', () => {
  const html = markdownToHtml(
    [
      'Before <script>alert(1)</script> inline',
      '',
      '<script>alert(2)</script>',
      '',
      '<img src=x onerror="alert(3)">',
      '',
      'a <b onmouseover="alert(4)">bold</b> word',
    ].join('\n'),
  );
  assert.doesNotMatch(html, /<script|<img|<b /);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /&lt;img src=x onerror=&quot;alert\(3\)&quot;&gt;/);
});

test('links open safely in a new tab; script and data URLs become plain text', () => {
  assert.match(
    markdownToHtml('[docs](https://example.test/a?b=1&c=2 "The docs")'),
    /<a href="https:\/\/example.test\/a\?b=1&amp;c=2" title="The docs" target="_blank" rel="noopener noreferrer">docs<\/a>/,
  );
  assert.match(markdownToHtml('<https://example.test>'), /rel="noopener noreferrer"/);
  assert.match(
    markdownToHtml('[mail](mailto:ops@example.test)'),
    /<a href="mailto:ops@example.test">mail<\/a>/,
  );
  assert.match(markdownToHtml('[up](#notes)'), /<a href="#notes">up<\/a>/);
  for (const href of [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>x</script>',
    'vbscript:x',
    '/relative',
  ]) {
    const html = markdownToHtml(`[click](${href})`);
    assert.doesNotMatch(html, /<a /, href);
    assert.match(html, /click/, href);
  }
});

test('images keep only http(s) sources, and attribute quotes cannot be broken out of', () => {
  assert.match(
    markdownToHtml('![logo](https://example.test/logo.png)'),
    /<img src="https:\/\/example.test\/logo.png" alt="logo" loading="lazy" referrerpolicy="no-referrer">/,
  );
  assert.equal(markdownToHtml('![x](javascript:alert(1))').includes('<img'), false);
  const quoted = markdownToHtml('![a" onerror="alert(1)](https://example.test/x.png)');
  assert.doesNotMatch(quoted, /" onerror=/);
});

test('escapeHtml escapes the five special characters', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});
