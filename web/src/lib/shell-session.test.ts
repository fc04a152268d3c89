import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  exitText,
  keystrokeBytes,
  parseCommand,
  parseShellMessage,
  resizeMessage,
  shellQuery,
  webSocketUrl,
} from './shell-session.ts';

test('shellQuery names the container, every argument and the size', () => {
  assert.equal(
    shellQuery({ source: 'web-0/app', command: ['sh', '-c', 'echo hi'], cols: 120, rows: 40 }),
    'pod=web-0&container=app&command=sh&command=-c&command=echo+hi&cols=120&rows=40',
  );
  assert.equal(
    shellQuery({ source: null, command: ['sh'], cols: 80, rows: 24 }),
    'command=sh&cols=80&rows=24',
  );
});

test('webSocketUrl follows the page: wss on https, ws on http', () => {
  assert.equal(
    webSocketUrl(
      { protocol: 'https:', host: 'gantry.example:8443' },
      '/api/v1/projects/1/environments/2/shell?x=1',
    ),
    'wss://gantry.example:8443/api/v1/projects/1/environments/2/shell?x=1',
  );
  assert.equal(webSocketUrl({ protocol: 'http:', host: '127.0.0.1:8080' }, '/a'), 'ws://127.0.0.1:8080/a');
});

test('parseCommand splits words and keeps quoted spaces; nothing typed means sh', () => {
  assert.deepEqual(parseCommand(''), ['sh']);
  assert.deepEqual(parseCommand('   '), ['sh']);
  assert.deepEqual(parseCommand('/bin/bash -l'), ['/bin/bash', '-l']);
  assert.deepEqual(parseCommand(`sh -c "echo 'a b' \\"c\\""`), ['sh', '-c', `echo 'a b' "c"`]);
  assert.deepEqual(parseCommand(`printf '%s\\n' "" x\\ y`), ['printf', '%s\\n', '', 'x y']);
  assert.throws(() => parseCommand('sh -c "echo'), /unclosed double quote/);
  assert.throws(() => parseCommand("sh -c 'echo"), /unclosed single quote/);
});

test('parseShellMessage reads started and exit frames and nothing else', () => {
  assert.deepEqual(parseShellMessage('{"type":"started","session_id":7,"pod":"p","container":"c"}'), {
    type: 'started',
    session_id: 7,
    pod: 'p',
    container: 'c',
  });
  assert.deepEqual(parseShellMessage('{"type":"exit","exit_code":0,"reason":"exited"}'), {
    type: 'exit',
    exit_code: 0,
    reason: 'exited',
  });
  assert.deepEqual(parseShellMessage('{"type":"exit","exit_code":null,"reason":"error","message":"gone"}'), {
    type: 'exit',
    exit_code: null,
    reason: 'error',
    message: 'gone',
  });
  for (const text of [
    'nope',
    'null',
    '{"type":"exit","reason":"exploded","exit_code":1}',
    '{"type":"started"}',
  ])
    assert.equal(parseShellMessage(text), null, text);
});

test('resizeMessage is the documented text frame', () => {
  assert.deepEqual(JSON.parse(resizeMessage(100, 30)), { type: 'resize', cols: 100, rows: 30 });
});

test('exitText says why the session ended', () => {
  assert.equal(exitText({ type: 'exit', exit_code: 3, reason: 'exited' }), 'The command exited with code 3.');
  assert.equal(exitText({ type: 'exit', exit_code: null, reason: 'exited' }), 'The command ended.');
  assert.match(exitText({ type: 'exit', exit_code: null, reason: 'idle' }), /idle timeout/);
  assert.equal(exitText({ type: 'exit', exit_code: null, reason: 'closed' }), 'The session was closed.');
  assert.equal(
    exitText({ type: 'exit', exit_code: null, reason: 'error', message: 'container stopped' }),
    'The session failed: container stopped',
  );
});

test('keystrokeBytes: UTF-8 for typed text, one byte a character for binary reports', () => {
  assert.deepEqual([...keystrokeBytes('é\r')], [0xc3, 0xa9, 0x0d]);
  assert.deepEqual([...keystrokeBytes('\x1b[M\xff', true)], [0x1b, 0x5b, 0x4d, 0xff]);
});
