import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakePodmanHost } from '../../../test/podman/fake-podman.ts';
import { inspectPresent } from './container-inspect.ts';

test('containers that exist are reported, ones removed meanwhile left out', async () => {
  const fake = await fakePodmanHost(
    'echo "$5"; echo "Error: inspecting object: no such container $6" >&2; exit 125',
  );
  try {
    assert.equal(await inspectPresent(fake.host, ['web', 'gone'], '{{.Name}}'), 'web\n');
    assert.equal(await inspectPresent(fake.host, [], '{{.Name}}'), '');
  } finally {
    await fake.close();
  }
});

test('podman failing otherwise is an error', async () => {
  const fake = await fakePodmanHost('echo "Error: cannot connect to Podman" >&2; exit 125');
  try {
    await assert.rejects(
      inspectPresent(fake.host, ['web'], 'json'),
      /cannot reach Podman at the Gantry server/,
    );
  } finally {
    await fake.close();
  }
});
