import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogMasker } from './log-masker.ts';

function run(secrets: string[], chunks: string[]): string {
  const masker = new LogMasker(secrets);
  return [...chunks.map((c) => masker.push(Buffer.from(c))), masker.end()].map((b) => b.toString()).join('');
}

test('masks secrets inside one chunk', () => {
  assert.equal(run(['hunter2-secret'], ['token=hunter2-secret done']), 'token=[MASKED] done');
});

test('masks a secret split across chunks, in every split position', () => {
  const secret = 'abcdefghijklmnop';
  const text = `before ${secret} middle ${secret} after`;
  for (let cut = 0; cut <= text.length; cut++) {
    for (let cut2 = cut; cut2 <= text.length; cut2 += 3) {
      const out = run([secret], [text.slice(0, cut), text.slice(cut, cut2), text.slice(cut2)]);
      assert.equal(out, 'before [MASKED] middle [MASKED] after', `cuts ${cut}/${cut2}`);
    }
  }
});

test('byte-by-byte input never emits a secret prefix before knowing', () => {
  const masker = new LogMasker(['s3cr3t-value']);
  let emitted = '';
  for (const byte of Buffer.from('x s3cr3t-value y')) {
    emitted += masker.push(Buffer.from([byte])).toString();
    assert.ok(!emitted.includes('s3cr3t-value'));
  }
  emitted += masker.end().toString();
  assert.equal(emitted, 'x [MASKED] y');
});

test('longer secrets win over secrets they contain; short values are ignored', () => {
  assert.equal(
    run(['password', 'password-extended'], ['a password-extended b password c']),
    'a [MASKED] b [MASKED] c',
  );
  assert.equal(run(['abc'], ['abc abc']), 'abc abc');
});

test('no secrets: chunks pass through untouched', () => {
  const masker = new LogMasker([]);
  const chunk = Buffer.from('\x1b[32mgreen\x1b[0m');
  assert.equal(masker.push(chunk), chunk);
  assert.equal(masker.end().length, 0);
});

test('multi-byte characters around secrets survive', () => {
  assert.equal(run(['geheim-wert'], ['ä geheim-', 'wert ü']), 'ä [MASKED] ü');
});
