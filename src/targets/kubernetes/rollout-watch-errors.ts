import { describeRef, type ObjectRef } from './kube-object.ts';

/** What failed a rollout: an object that cannot become healthy, or one of its new pods. */
export interface RolloutFailure {
  ref: ObjectRef;
  /** The failing pod, when a pod failed rather than the object itself. */
  pod?: string;
  /** The failing container; absent when the pod cannot even be scheduled. */
  container?: string;
  /** `CrashLoopBackOff`, `ImagePullBackOff`, `Unschedulable`, … or `Degraded` for the object itself. */
  reason: string;
  /** What the kubelet, scheduler or controller said. */
  detail: string;
}

/**
 * A rollout that will not become healthy by waiting longer. The message names the object, pod,
 * container and reason: `Deployment web: pod web-7d9-x2x container web: CrashLoopBackOff: back-off 10s …`.
 */
export class RolloutFailedError extends Error {
  readonly ref: ObjectRef;
  readonly pod: string | undefined;
  readonly container: string | undefined;
  readonly reason: string;
  readonly detail: string;

  constructor(failure: RolloutFailure) {
    super(describeFailure(failure));
    this.name = 'RolloutFailedError';
    this.ref = failure.ref;
    this.pod = failure.pod;
    this.container = failure.container;
    this.reason = failure.reason;
    this.detail = failure.detail;
  }
}

function describeFailure(failure: RolloutFailure): string {
  const where = [
    failure.pod === undefined ? '' : ` pod ${failure.pod}`,
    failure.container === undefined ? '' : ` container ${failure.container}`,
  ].join('');
  const what =
    failure.pod === undefined ? failure.detail : [failure.reason, failure.detail].filter(Boolean).join(': ');
  return `${describeRef(failure.ref)}:${where}${where ? ':' : ''} ${what}`;
}

/** An object still progressing, and how far it got. */
export interface StillProgressing {
  ref: ObjectRef;
  message: string;
}

/** The rollout did not become healthy in time; the message names every object still progressing. */
export class RolloutTimeoutError extends Error {
  readonly timeoutMs: number;
  readonly progressing: StillProgressing[];

  constructor(timeoutMs: number, progressing: StillProgressing[]) {
    const waitingFor = progressing.map((entry) => `${describeRef(entry.ref)}: ${entry.message}`).join('; ');
    super(`rollout not healthy after ${timeoutMs / 1000} s: ${waitingFor}`);
    this.name = 'RolloutTimeoutError';
    this.timeoutMs = timeoutMs;
    this.progressing = progressing;
  }
}
