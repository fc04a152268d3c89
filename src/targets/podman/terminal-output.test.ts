import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_HELD_BYTES, TerminalOutput } from './terminal-output.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (chunks: Uint8Array[]) => chunks.map((chunk) => new TextDecoder().decode(chunk)).join('');

test('output before the first listener is held for it; later output goes to every listener', () => {
  const output = new TerminalOutput();
  output.push(bytes('prompt$ '));
  const first: Uint8Array[] = [];
  output.listen((data) => first.push(data));
  output.push(bytes('hi'));
  const second: Uint8Array[] = [];
  output.listen((data) => second.push(data));
  output.push(bytes('!'));
  assert.equal(text(first), 'prompt$ hi!');
  assert.equal(text(second), '!');
});

test('what nobody listens to is held only up to the limit', () => {
  const output = new TerminalOutput();
  output.push(new Uint8Array(MAX_HELD_BYTES - 1));
  output.push(new Uint8Array(2));
  output.push(bytes('x'));
  let held = 0;
  output.listen((data) => {
    held += data.length;
  });
  assert.equal(held, MAX_HELD_BYTES);
});
