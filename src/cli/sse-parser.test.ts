import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseParser } from './sse-parser.ts';

describe('SseParser', () => {
  it('parses events split across chunks', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push('event: logs\nda'), []);
    assert.deepEqual(parser.push('ta: {"a":1}\n\nevent: end\ndata: {}\n\n'), [
      { event: 'logs', data: '{"a":1}' },
      { event: 'end', data: '{}' },
    ]);
  });

  it('skips comments and events without data, and names unnamed events message', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push(': keep-alive\n\nid: 3\nevent: x\n\ndata: plain\n\n'), [
      { event: 'message', data: 'plain' },
    ]);
  });

  it('joins multi-line data and reads CRLF streams', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push('data: one\r\ndata: two\r\n\r\n'), [{ event: 'message', data: 'one\ntwo' }]);
  });
});
