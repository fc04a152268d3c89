import { join } from 'node:path';
import { shellExecutor } from '../runner/executor/shell-executor.ts';
import { RunnerAgent } from '../runner/runner-agent.ts';
import type { RunnerService } from '../services/runner-service.ts';
import type { RunnerRepository } from '../store/repositories/runner-repository.ts';

/**
 * The runner inside the server: a shell-executor runner registered afresh at every start (a new
 * token each time, the previous embedded registration removed) that connects to the server over
 * loopback exactly as a separate `gantry runner` does, so both paths are the same code.
 */
export async function startEmbeddedRunner(deps: {
  runners: RunnerService;
  runnerRows: RunnerRepository;
  url: string;
  dataDir: string;
  concurrency: number;
  /** Podman's configuration for build jobs (`CONTAINERS_CONF`, `CONTAINERS_REGISTRIES_CONF`), from the server. */
  containersEnvironment?: Readonly<Record<string, string>>;
  log: (line: string) => void;
}): Promise<RunnerAgent> {
  await deps.runnerRows.deleteEmbedded();
  const { token } = await deps.runners.create(null, {
    description: 'embedded',
    embedded: true,
    run_untagged: true,
  });
  const agent = new RunnerAgent({
    url: deps.url,
    token,
    name: 'embedded',
    concurrency: deps.concurrency,
    executor: shellExecutor({
      workDir: join(deps.dataDir, 'builds'),
      ...(deps.containersEnvironment && { containersEnvironment: deps.containersEnvironment }),
    }),
    log: deps.log,
  });
  agent.start();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the embedded runner could not connect to ${deps.url} within 15 s`)),
      15_000,
    );
  });
  try {
    await Promise.race([agent.waitUntilConnected(), timeout]);
  } catch (error) {
    await agent.stop(0);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return agent;
}
