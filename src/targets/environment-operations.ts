/**
 * What a target offers to look into a running environment: its containers, their logs, a shell
 * inside one, and resource samples. Kubernetes (`kubernetes/environment-operations.ts`) and Podman
 * (`podman/environment-operations.ts`) implement it for the environment's current deployment; the
 * services (`services/environment-*-service.ts`) authorize, audit and stream.
 */

/** One container of the environment as it runs now. */
export interface RunningContainer {
  /** The pod (Kubernetes pod name, Podman pod name). */
  pod: string;
  /** The container's name as the manifests declare it (`web`, not Podman's `<pod>-web`). */
  container: string;
  /** `running`, `waiting`, `terminated`, … as the target reports it. */
  state: string;
  restarts: number;
  /** Whether a previous instance's log can be asked for (it restarted or was replaced). */
  hasPrevious: boolean;
}

/** Which logs to read: all containers of the environment unless `pod`/`container` narrow it. */
export interface LogRequest {
  pod?: string;
  container?: string;
  /** Lines from the end of each log to start with; all when absent. */
  tailLines?: number;
  /** Only lines written at or after this instant (ISO-8601). */
  since?: string;
  /** The previous instance of the container (after a crash or restart) instead of the current one. */
  previous?: boolean;
  /** Keep the stream open and deliver lines as they are written. */
  follow: boolean;
  /** Ends the stream (and whatever reads the target) when aborted. */
  signal: AbortSignal;
}

/**
 * A run of complete lines from one source, in order. `text` holds one or more lines, each ending in
 * `\n`, each starting with its RFC 3339 timestamp and a space (both targets are asked for
 * timestamps, so merged sources can be ordered and a follow can resume without repeats).
 */
export interface LogChunk {
  /** `<pod>/<container>`. */
  source: string;
  text: string;
}

/** A terminal size in character cells. */
export interface TerminalSize {
  cols: number;
  rows: number;
}

/** A command to run inside a container with a terminal. */
export interface ExecRequest {
  pod?: string;
  /** Defaults to the first container of the first pod. */
  container?: string;
  /** `['sh']` by default (the service fills it in). */
  command: string[];
  size: TerminalSize;
  /** Kills the session when aborted. */
  signal: AbortSignal;
}

/** How an exec session ended. */
export interface ExecExit {
  /** The command's exit code, null when it was killed or the target did not say. */
  exitCode: number | null;
  /** Set when the session failed rather than the command ending (connection lost, refused). */
  error?: string;
}

/**
 * At most this much input may wait for a command to read it: a session whose command does not
 * read what is typed ends (with an error saying so) rather than queue more.
 */
export const MAX_PENDING_INPUT_BYTES = 1024 * 1024;

/** The error of a session ended because its command did not read its input. */
export const INPUT_NOT_READ =
  'the command did not read its input: more than 1 MiB of keystrokes waited for it, so the session was closed';

/**
 * A running command with a terminal: raw bytes both ways (the terminal merges stdout and stderr),
 * with flow control both ways: output is read from the target only while not paused, and input
 * never queues beyond {@link MAX_PENDING_INPUT_BYTES}.
 */
export interface ExecSession {
  /** Which pod and container the command runs in (the defaults resolved). */
  pod: string;
  container: string;
  /**
   * Keystrokes, passed on in order. Should more than {@link MAX_PENDING_INPUT_BYTES} be waiting for
   * the command to read them, the session ends with an error instead.
   */
  write(data: Uint8Array): void;
  resize(size: TerminalSize): void;
  /** Receives the terminal's output, in order. */
  onOutput(listener: (data: Uint8Array) => void): void;
  /**
   * Stops reading the terminal's output from the target (its reader fell behind) until {@link
   * resume}: the target's buffers fill and the command blocks on its next write. Output already
   * read (at most a read's worth) may still be delivered.
   */
  pause(): void;
  resume(): void;
  /** Resolves once, when the command has ended or the session has been closed. */
  readonly exited: Promise<ExecExit>;
  /** Ends the session (kills the command when it still runs). */
  close(): void;
}

/** One container's resource use at one moment. */
export interface ContainerSample {
  pod: string;
  container: string;
  /** CPU in use, in cores (0.25 = a quarter of one core), averaged over the target's window. */
  cpuCores: number;
  memoryBytes: number;
  restarts: number;
}

/**
 * Operations on one environment's current deployment, opened by the target's kind. `close`
 * releases what opening took (a Podman session's files, a client); streams and sessions end with
 * their own signals.
 */
export interface EnvironmentOperations {
  containers(): Promise<RunningContainer[]>;
  /**
   * The environment's logs as chunks. Pulling slowly slows reading (back-pressure): nothing is
   * buffered beyond the chunk being delivered. Without `follow` it ends after the existing lines.
   * @throws GantryError('not_found') when `pod`/`container` names nothing of the environment;
   *   GantryError('unavailable') when the target cannot be reached.
   */
  logs(request: LogRequest): AsyncIterable<LogChunk>;
  /**
   * Starts a command in a container with a terminal of `size`.
   * @throws GantryError('not_found') for an unknown pod/container; GantryError('unavailable') when
   *   the target cannot be reached or refuses.
   */
  exec(request: ExecRequest): Promise<ExecSession>;
  /** Current CPU and memory of every container, as the target's metrics source reports them. */
  sample(): Promise<ContainerSample[]>;
  close(): Promise<void>;
}
