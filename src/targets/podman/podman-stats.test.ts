import assert from 'node:assert/strict';
import { test } from 'node:test';
import { averageCores, cpuCores, cpuReading, parseStats, type RawStats } from './podman-stats.ts';

// As Podman 4.3 prints `podman stats --no-stream --format '{{json .ContainerStats}}'`.
const OUTPUT = `{"AvgCPU":0.35,"ContainerID":"4d9a","Name":"shop-web-pod-0-web","PerCPU":[24989028,44756525],"CPU":25,"CPUNano":69745553,"CPUSystemNano":28000000,"SystemNano":1795945752469580368,"MemUsage":491520,"MemLimit":25276514304,"MemPerc":0.0019,"NetInput":612,"NetOutput":1236,"BlockInput":0,"BlockOutput":0,"PIDs":1,"UpTime":69745553,"Duration":69745553}
{"AvgCPU":0,"ContainerID":"aa3f","Name":"shop-web-pod-0-side","PerCPU":null,"CPU":0,"CPUNano":0,"CPUSystemNano":0,"SystemNano":0,"MemUsage":0,"MemLimit":0,"MemPerc":0,"NetInput":0,"NetOutput":0,"BlockInput":0,"BlockOutput":0,"PIDs":0,"UpTime":0,"Duration":0}
`;

const [web, stopped] = parseStats(OUTPUT) as [RawStats, RawStats];

test('parseStats reads one container a line, numbers unrounded', () => {
  assert.equal(web.Name, 'shop-web-pod-0-web');
  assert.equal(web.MemUsage, 491520);
  assert.equal(web.CPUNano, 69745553);
  assert.equal(stopped.SystemNano, 0);
  assert.deepEqual(parseStats(''), []);
});

test("Podman's own figure is the average since the container started, in cores", () => {
  assert.equal(averageCores(web), 0.25);
});

test('later samples are the CPU time used since the previous reading over the time between them', () => {
  const later = { ...web, CPUNano: web.CPUNano + 500_000_000, SystemNano: web.SystemNano + 2_000_000_000 };
  assert.equal(cpuCores(later, cpuReading(web)), 0.25);
});

test('without a usable reading (none, a restart starting CPU time again, another container) there is no rate', () => {
  assert.equal(cpuCores(web, undefined), undefined);
  const restarted = { ...web, CPUNano: 1_000, SystemNano: web.SystemNano + 1_000_000_000 };
  assert.equal(cpuCores(restarted, cpuReading(web)), undefined);
  const replaced = { ...web, ContainerID: 'ffff', SystemNano: web.SystemNano + 1_000_000_000 };
  assert.equal(cpuCores(replaced, cpuReading(web)), undefined);
});

test('a container not running uses no CPU', () => {
  assert.equal(cpuCores(stopped, cpuReading(web)), 0);
});
