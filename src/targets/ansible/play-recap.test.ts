import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type PlayRecap, parsePlayRecap, recapPassed } from './play-recap.ts';

const counts = (host: string, values: Partial<Omit<PlayRecap, 'host'>>): PlayRecap => ({
  host,
  ok: 0,
  changed: 0,
  unreachable: 0,
  failed: 0,
  skipped: 0,
  rescued: 0,
  ignored: 0,
  ...values,
});

const cases: { name: string; output: string; recap: PlayRecap[] }[] = [
  {
    name: 'two hosts, one failed (as ansible-playbook 2.14 prints it, trailing spaces included)',
    output: `
PLAY [all] *********************************************************************

TASK [fail] ********************************************************************
fatal: [web-1]: FAILED! => {"changed": false, "msg": "boom"}
skipping: [db.example.com]

PLAY RECAP *********************************************************************
db.example.com             : ok=1    changed=1    unreachable=0    failed=0    skipped=1    rescued=0    ignored=0   
web-1                      : ok=1    changed=1    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0   

`,
    recap: [
      counts('db.example.com', { ok: 1, changed: 1, skipped: 1 }),
      counts('web-1', { ok: 1, changed: 1, failed: 1 }),
    ],
  },
  {
    name: 'an unreachable host',
    output: `PLAY RECAP ***
web-2 : ok=0    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=0
`,
    recap: [counts('web-2', { unreachable: 1 })],
  },
  {
    name: 'older Ansible without rescued/ignored: those are 0',
    output: 'PLAY RECAP\r\nweb : ok=3 changed=2 unreachable=0 failed=0\r\n',
    recap: [counts('web', { ok: 3, changed: 2 })],
  },
  {
    name: 'only the last recap counts, and text after it ends it',
    output: `PLAY RECAP ***
old : ok=1 changed=0 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0

PLAY RECAP ***
new : ok=2 changed=0 unreachable=0 failed=0 skipped=0 rescued=1 ignored=4
Playbook run took 0 days, 0 hours, 0 minutes, 3 seconds
late : ok=9 changed=9 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0
`,
    recap: [counts('new', { ok: 2, rescued: 1, ignored: 4 })],
  },
  {
    name: 'no recap (ansible stopped before any play)',
    output: 'ERROR! the playbook: x.yml could not be found\n',
    recap: [],
  },
  {
    name: 'a task line that looks like a counter is not a recap before the header',
    output: 'ok: [web] => {"msg": "a : ok=1"}\n',
    recap: [],
  },
];

for (const { name, output, recap } of cases) {
  test(`parsePlayRecap: ${name}`, () => assert.deepEqual(parsePlayRecap(output), recap));
}

test('a recap passes only when no host failed or was unreachable', () => {
  assert.equal(recapPassed([counts('a', { ok: 1, changed: 1, skipped: 2, rescued: 1, ignored: 1 })]), true);
  assert.equal(recapPassed([counts('a', { ok: 1 }), counts('b', { failed: 1 })]), false);
  assert.equal(recapPassed([counts('a', { unreachable: 1 })]), false);
  assert.equal(recapPassed([]), true);
});
