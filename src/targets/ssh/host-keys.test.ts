import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../../test/support/free-port.ts';
import { type RunningSshd, sshdSuiteOptions, startSshd } from '../../../test/support/sshd.ts';
import { hostKeyFingerprints, scanHostKeys } from './host-keys.ts';

describe('host keys of a real sshd', sshdSuiteOptions(), () => {
  let sshd: RunningSshd;
  before(async () => {
    sshd = await startSshd();
  });
  after(() => sshd?.stop());

  test('a scan records the server key for [host]:port, with its fingerprint', async () => {
    const scanned = await scanHostKeys(sshd.host, sshd.port);
    assert.equal(scanned.knownHosts, sshd.knownHosts);
    const expected = execFileSync('ssh-keygen', ['-l', '-f', sshd.hostKeyFile], { encoding: 'utf8' }).split(
      ' ',
    )[1];
    assert.deepEqual(scanned.fingerprints, [expected]);
    assert.deepEqual(await hostKeyFingerprints(scanned.knownHosts), [expected]);
  });

  test('a port nobody listens on is unreachable', async () => {
    const port = await freePort();
    await assert.rejects(scanHostKeys('127.0.0.1', port), {
      reason: 'unreachable',
      message: new RegExp(`^cannot reach 127\\.0\\.0\\.1:${port}: `),
    });
  });
});

test('unreadable known_hosts lines are refused', async () => {
  await assert.rejects(hostKeyFingerprints('not a key\n'), { reason: 'invalid' });
});
