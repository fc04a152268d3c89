import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linePrinter, sinceTime } from './logs-command.ts';

describe('sinceTime', () => {
  const now = new Date('2026-11-29T12:00:00.000Z');
  const cases: [string, string][] = [
    ['30s', '2026-11-29T11:59:30.000Z'],
    ['10m', '2026-11-29T11:50:00.000Z'],
    ['2h', '2026-11-29T10:00:00.000Z'],
    ['1d', '2026-11-28T12:00:00.000Z'],
    ['2026-11-29T13:00:00+02:00', '2026-11-29T11:00:00.000Z'],
  ];
  for (const [value, expected] of cases) {
    it(`reads ${value}`, () => assert.equal(sinceTime(value, now), expected));
  }
  for (const value of ['10', '5w', 'yesterday', '2026-13-45T00:00:00Z']) {
    it(`refuses ${value}`, () => assert.throws(() => sinceTime(value, now), /--since must be/));
  }
});

describe('linePrinter', () => {
  const lines = ['2026-11-29T12:00:00.1Z hello', '2026-11-29T12:00:00.2Z world'];

  it('drops timestamps and tags merged sources', () => {
    assert.equal(
      linePrinter({ tagged: true, timestamps: false })('web-1/web', lines),
      '[web-1/web] hello\n[web-1/web] world\n',
    );
  });

  it('keeps timestamps when asked, untagged for one source', () => {
    assert.equal(
      linePrinter({ tagged: false, timestamps: true })('web-1/web', lines),
      '2026-11-29T12:00:00.1Z hello\n2026-11-29T12:00:00.2Z world\n',
    );
  });
});
