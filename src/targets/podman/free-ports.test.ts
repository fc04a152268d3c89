import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakePodmanHost } from '../../../test/podman/fake-podman.ts';
import { freeHostPorts, HOST_PORT_RANGE } from './free-ports.ts';

test('fresh ports are in the range, distinct, and neither published by a container nor reserved', async () => {
  const taken = Array.from({ length: 200 }, (_, i) => HOST_PORT_RANGE.min + i);
  const listing = JSON.stringify([
    { Ports: taken.slice(0, 100).map((port) => ({ host_port: port })) },
    { Ports: null },
  ]);
  const fake = await fakePodmanHost(`echo '${listing}'`);
  try {
    const ports = await freeHostPorts(fake.host, 5, new Set(taken.slice(100)));
    assert.equal(new Set(ports).size, 5);
    for (const port of ports) {
      assert.ok(port >= HOST_PORT_RANGE.min && port <= HOST_PORT_RANGE.max);
      assert.ok(!taken.includes(port));
    }
    assert.deepEqual(await freeHostPorts(fake.host, 0, new Set()), []);
  } finally {
    await fake.close();
  }
});

test("a publish address that is not one of this host's is named", async () => {
  const fake = await fakePodmanHost("echo '[]'", { publish_address: '192.0.2.1' });
  try {
    await assert.rejects(
      freeHostPorts(fake.host, 1, new Set()),
      /publish_address 192\.0\.2\.1 is not an address of the Gantry server/,
    );
  } finally {
    await fake.close();
  }
});
