import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uploadCommands } from './upload-commands.ts';

const tree = {
  dirs: ['css', 'css/print'],
  files: [
    { path: 'css/print/a.css', absolutePath: '/tmp/site/css/print/a.css' },
    { path: 'say "hi".html', absolutePath: '/tmp/site/say "hi".html' },
  ],
};

test('a fresh upload creates the directory and every subdirectory strictly', () => {
  assert.deepEqual(uploadCommands(tree, '/srv/site/releases/.v1.partial', { fresh: true }), [
    'mkdir "/srv/site/releases/.v1.partial"',
    'mkdir "/srv/site/releases/.v1.partial/css"',
    'mkdir "/srv/site/releases/.v1.partial/css/print"',
    'put "/tmp/site/css/print/a.css" "/srv/site/releases/.v1.partial/css/print/a.css"',
    'put "/tmp/site/say \\"hi\\".html" "/srv/site/releases/.v1.partial/say \\"hi\\".html"',
  ]);
});

test('a sync into an existing directory tolerates existing subdirectories', () => {
  assert.deepEqual(uploadCommands(tree, 'site', { fresh: false }).slice(0, 3), [
    '-mkdir "site/css"',
    '-mkdir "site/css/print"',
    'put "/tmp/site/css/print/a.css" "site/css/print/a.css"',
  ]);
});
