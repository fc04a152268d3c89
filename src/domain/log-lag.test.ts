import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogLag } from './log-lag.ts';

const S = 1_000_000_000n;

describe('LogLag', () => {
  it('measures lag against the quickest line, whatever the clocks’ offset', () => {
    const lag = new LogLag();
    // The source's clock runs 100 s behind ours; lines take 0.2 s, then fall 5 s behind.
    assert.equal(lag.behind(1_000n * S, 1_100n * S + S / 5n), 0n);
    assert.equal(lag.behind(1_001n * S, 1_101n * S + S / 5n), 0n);
    assert.equal(lag.behind(1_002n * S, 1_107n * S + S / 5n), 5n * S);
  });

  it('takes a quicker line as the new reference', () => {
    const lag = new LogLag();
    assert.equal(lag.behind(10n * S, 13n * S), 0n);
    assert.equal(lag.behind(20n * S, 21n * S), 0n);
    assert.equal(lag.behind(30n * S, 33n * S), 2n * S);
  });
});
