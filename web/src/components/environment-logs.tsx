import { useId, useMemo, useRef, useState } from 'react';
import type { EnvironmentContainers } from '../api/environment-operations-types.ts';
import type { LiveEvent } from '../api/live-events.ts';
import { useApi } from '../api/use-api.ts';
import {
  type LogQuery,
  logStreamQuery,
  SINCE_CHOICES,
  type SinceChoice,
  sourceColour,
  sourceLabels,
  TAIL_CHOICES,
} from '../lib/environment-log.ts';
import { useProject } from '../project-context.tsx';
import { EnvironmentLogStream } from './environment-log-stream.tsx';
import { Loaded } from './loading.tsx';
import { useDebounced } from './use-debounced.ts';
import { useVisibleInterval } from './use-visible-interval.ts';

/** Containers restart and get replaced without a Gantry event: the list is asked again this often. */
const CONTAINERS_REFRESH_MS = 10_000;
/** The filter goes to the server once typing pauses this long. */
const FILTER_DELAY_MS = 400;

/** The containers of an environment (`GET …/containers`), kept fresh while the page is visible. */
export function useEnvironmentContainers(environmentId: number) {
  const { api } = useProject();
  const containers = useApi<EnvironmentContainers>(`${api}/environments/${environmentId}/containers`, {
    liveWhen: (event: LiveEvent) => event.type === 'deployment' && event.environment_id === environmentId,
  });
  useVisibleInterval(containers.reload, containers.error ? null : CONTAINERS_REFRESH_MS);
  return containers;
}

/** `<pod>/<container>` of a container of the list. */
export function sourceOf(container: { pod: string; container: string }): string {
  return `${container.pod}/${container.container}`;
}

/** Why there is nothing to read, or null when the environment runs containers. */
export function nothingRunning(view: EnvironmentContainers): string | null {
  if (view.target_kind === null)
    return 'Gantry reads logs and opens shells on Kubernetes and Podman targets; this environment runs on neither.';
  if (view.containers.length === 0)
    return 'Nothing runs in this environment now: it was stopped or never deployed.';
  return null;
}

/**
 * The environment's logs: which container (all of them merged by default), how much of the end,
 * since when, the previous container after a crash, a filter applied by the server, and whether
 * to follow; then the stream itself. Every change of these opens a fresh stream.
 */
export function EnvironmentLogs({ environmentId }: { environmentId: number }) {
  const containers = useEnvironmentContainers(environmentId);
  return (
    <Loaded state={containers}>
      {(view) => {
        const reason = nothingRunning(view);
        return reason ? (
          <div className="card empty">{reason}</div>
        ) : (
          <LogControls environmentId={environmentId} view={view} />
        );
      }}
    </Loaded>
  );
}

function LogControls({ environmentId, view }: { environmentId: number; view: EnvironmentContainers }) {
  const { api } = useProject();
  const ids = useId();
  const [source, setSource] = useState('');
  const [tailLines, setTailLines] = useState<number>(500);
  const [since, setSince] = useState<SinceChoice>('all');
  const [previousChosen, setPrevious] = useState(false);
  const [filterText, setFilterText] = useState('');
  const filter = useDebounced(filterText, FILTER_DELAY_MS);
  const [follow, setFollow] = useState(true);
  const [generation, setGeneration] = useState(0);

  const sources = view.containers.map(sourceOf);
  const chosen = view.containers.find((container) => sourceOf(container) === source);
  const canPrevious = chosen?.has_previous === true;
  const previous = previousChosen && canPrevious;
  const query: LogQuery = { source: source || null, tailLines, since, previous, filter, follow };
  const queryKey = JSON.stringify(query);
  // `since` counts back from when the stream opens: computed once per query (or reconnect), not per render.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the query is keyed by its JSON; `generation` reopens.
  const path = useMemo(
    () => `${api}/environments/${environmentId}/logs?${logStreamQuery(query, Date.now())}`,
    [api, environmentId, queryKey, generation],
  );

  // Labels from every container listed, so merged sources read alike whichever spoke first.
  const sourcesKey = sources.join('\n');
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the sources' names.
  const labels = useMemo(() => sourceLabels(sources), [sourcesKey]);
  const colours = useRef(new Map<string, number>());

  return (
    <div className="stack">
      <form
        className="env-log-controls"
        aria-label="Log options"
        onSubmit={(event) => event.preventDefault()}
      >
        <div className="field">
          <label htmlFor={`${ids}-source`}>Container</label>
          <select id={`${ids}-source`} value={source} onChange={(event) => setSource(event.target.value)}>
            <option value="">All containers</option>
            {view.containers.map((container) => (
              <option key={sourceOf(container)} value={sourceOf(container)}>
                {sourceOf(container)} ({container.state}
                {container.restarts > 0 && `, ${container.restarts} restarts`})
              </option>
            ))}
            {source && !chosen && <option value={source}>{source} (gone)</option>}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-tail`}>Lines from the end</label>
          <select
            id={`${ids}-tail`}
            value={tailLines}
            onChange={(event) => setTailLines(Number(event.target.value))}
          >
            {TAIL_CHOICES.map((lines) => (
              <option key={lines} value={lines}>
                {lines.toLocaleString()}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-since`}>Since</label>
          <select
            id={`${ids}-since`}
            value={since}
            onChange={(event) => setSince(event.target.value as SinceChoice)}
          >
            {SINCE_CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field env-log-filter">
          <label htmlFor={`${ids}-filter`}>Filter</label>
          <input
            id={`${ids}-filter`}
            type="search"
            value={filterText}
            placeholder="Lines containing…"
            spellCheck={false}
            onChange={(event) => setFilterText(event.target.value)}
          />
        </div>
        <div className="env-log-toggles">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={previous}
              disabled={!canPrevious}
              onChange={(event) => setPrevious(event.target.checked)}
              aria-describedby={`${ids}-previous-hint`}
            />
            Previous container
          </label>
          <span id={`${ids}-previous-hint`} className="visually-hidden">
            The log of the container before its last restart; pick a container that restarted.
          </span>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={follow && !previous}
              disabled={previous}
              onChange={(event) => setFollow(event.target.checked)}
            />
            Follow
          </label>
        </div>
      </form>
      <EnvironmentLogStream
        key={path}
        path={path}
        labelOf={(name) => labels.get(name) ?? name}
        colourOf={(name) => sourceColour(colours.current, name)}
        onReconnect={() => setGeneration((value) => value + 1)}
      />
    </div>
  );
}
