import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus, type PushEvent } from './event-bus.ts';

const push: PushEvent = {
  id: 1,
  projectId: 2,
  ref: 'refs/heads/main',
  before: '0'.repeat(40),
  after: 'a'.repeat(40),
  userId: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
};

test('delivers events to every listener, even when one throws', () => {
  const errors: unknown[] = [];
  const bus = new EventBus((error) => errors.push(error));
  const seen: number[] = [];
  bus.on('push', () => {
    throw new Error('broken consumer');
  });
  bus.on('push', (event) => seen.push(event.id));
  bus.publish('push', push);
  assert.deepEqual(seen, [1]);
  assert.equal(errors.length, 1);
});

test('unsubscribe stops delivery', () => {
  const bus = new EventBus();
  const seen: number[] = [];
  const off = bus.on('push', (event) => seen.push(event.id));
  bus.publish('push', push);
  off();
  bus.publish('push', push);
  assert.deepEqual(seen, [1]);
});
