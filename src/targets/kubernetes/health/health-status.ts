/**
 * How far an object is from the state a deployment waits for. `progressing` may still become
 * `healthy`; `degraded` will not without a new change (a failed Job, an exceeded progress deadline,
 * a lost volume), so the rollout fails at once.
 */
export interface HealthStatus {
  status: 'healthy' | 'progressing' | 'degraded';
  message: string;
}

export const healthy = (message: string): HealthStatus => ({ status: 'healthy', message });
export const progressing = (message: string): HealthStatus => ({ status: 'progressing', message });
export const degraded = (message: string): HealthStatus => ({ status: 'degraded', message });
