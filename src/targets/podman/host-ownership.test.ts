import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakePodmanHost } from '../../../test/podman/fake-podman.ts';
import { assertOwnNames, hostLabels, ownedBy, ownershipConflict, ownPods } from './host-ownership.ts';

test("a pod or volume may be taken over when there is none, or it carries the project's label", () => {
  assert.equal(ownershipConflict('pod', 'a-b-c-prod-web-pod-0', null, 3), null);
  assert.equal(ownershipConflict('volume', 'a-b-c-prod-data', { 'gantry.dev/project': '3' }, 3), null);
  assert.equal(ownedBy({ 'gantry.dev/project': '3' }, 3), true);
  assert.equal(ownedBy({ 'gantry.dev/project': '31' }, 3), false);
});

test("another project's pod or volume, or one without Gantry's label, is a conflict naming it", () => {
  assert.equal(
    ownershipConflict('pod', 'a-b-c-prod-web-pod-0', { 'gantry.dev/project': '4' }, 3),
    'pod a-b-c-prod-web-pod-0 already exists on this host and belongs to another project (gantry.dev/project=4)',
  );
  assert.equal(
    ownershipConflict('volume', 'a-b-c-prod-data', { app: 'x' }, 3),
    "volume a-b-c-prod-data already exists on this host and is not Gantry's (it has no gantry.dev/project label)",
  );
});

/**
 * A podman whose `pod|volume inspect --format … NAME` answers from a table: `p-mine` and `v-mine`
 * are project 3's, `p-other` and `v-other` project 4's, `v-bare` has no labels; others do not exist.
 * Every call is appended to podman.calls.
 */
const fakeHost = () =>
  fakePodmanHost(`echo "$@" >> "$0.calls"
case "$1 $2 \${!#}" in
  "pod inspect p-mine"|"volume inspect v-mine") echo '{"gantry.dev/project":"3"}' ;;
  "pod inspect p-other"|"volume inspect v-other") echo '{"gantry.dev/project":"4"}' ;;
  "volume inspect v-bare") echo 'null' ;;
  "pod inspect"*) echo "Error: inspecting object: no such pod \${!#}" >&2; exit 125 ;;
  "volume inspect"*) echo "Error: inspecting object: no such volume \${!#}" >&2; exit 125 ;;
  *) echo "Error: unexpected" >&2; exit 1 ;;
esac`);

test('labels are read with inspect; a missing pod or volume has none (null)', async () => {
  const fake = await fakeHost();
  try {
    assert.deepEqual(await hostLabels(fake.host, 'pod', 'p-mine'), { 'gantry.dev/project': '3' });
    assert.deepEqual(await hostLabels(fake.host, 'volume', 'v-bare'), {});
    assert.equal(await hostLabels(fake.host, 'pod', 'p-new'), null);
    await assert.rejects(hostLabels(fake.host, 'image' as 'pod', 'x'), /podman image inspect failed/);
  } finally {
    await fake.close();
  }
});

test("a plan whose pods and volumes are new or the project's passes; others' are all named in one conflict", async () => {
  const fake = await fakeHost();
  try {
    await assertOwnNames(fake.host, { pods: ['p-mine', 'p-new'], volumes: ['v-mine', 'v-new'] }, 3);
    await assert.rejects(
      assertOwnNames(fake.host, { pods: ['p-mine', 'p-other'], volumes: ['v-other', 'v-bare'] }, 3),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'conflict');
        assert.match(
          error.message,
          /^pod p-other already exists on this host and belongs to another project/,
        );
        assert.match(
          error.message,
          /volume v-other already exists .* another project \(gantry.dev\/project=4\)/,
        );
        assert.match(error.message, /volume v-bare already exists on this host and is not Gantry's/);
        assert.match(
          error.message,
          /nothing was changed: deploy this project to an environment of another name/,
        );
        return true;
      },
    );
  } finally {
    await fake.close();
  }
});

test("the pods a project may remove are its own that exist; another project's stay", async () => {
  const fake = await fakeHost();
  try {
    assert.deepEqual(await ownPods(fake.host, ['p-mine', 'p-other', 'p-gone'], 3), ['p-mine']);
    assert.deepEqual(await ownPods(fake.host, ['p-mine', 'p-other'], 4), ['p-other']);
  } finally {
    await fake.close();
  }
});
