import { type CSSProperties, memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { API_PREFIX } from '../api/api-client.ts';
import { LogBuffer, type LogLine } from '../lib/log-buffer.ts';
import { isAtBottom, visibleLines } from '../lib/log-window.ts';
import { AnsiText } from './ansi-text.tsx';
import { useScrollViewport } from './use-scroll-viewport.ts';

/** Every log line is this tall (`.log-line` in pipelines.css): windowing depends on it. */
const LINE_HEIGHT = 20;
/** Lines drawn above and below the visible ones. */
const OVERSCAN = 20;

type StreamState = 'connecting' | 'streaming' | 'reconnecting' | 'ended' | 'failed';

const STATE_TEXT: Record<StreamState, string> = {
  connecting: 'Connecting…',
  streaming: 'Live',
  reconnecting: 'Connection lost, reconnecting…',
  ended: 'Complete',
  failed: 'The log could not be loaded. Reload the page to try again.',
};

/** One line, re-rendered only when its text changes (complete lines never do). */
const LogLineRow = memo(function LogLineRow({ number, line }: { number: number; line: LogLine }) {
  return (
    <div className="log-line" data-line={number}>
      <span className="log-line-number">{number}</span>
      <span>
        <AnsiText text={line.text} style={line.style} />
      </span>
    </div>
  );
});

/**
 * A job log streamed live from `GET <streamPath>` (the API's Server-Sent Events: `log` events
 * `{offset, text}`, then `end` `{status}`), drawn with its ANSI colours. Only the lines in view are
 * in the DOM, so a log of 100,000 lines scrolls as smoothly as one of ten. The view follows the
 * end while the reader is there; scrolling up stops that, and "Follow" resumes it. After a dropped
 * connection the browser reconnects with `Last-Event-ID`, and the log goes on from that byte.
 * One view holds one log: key it by the job, so another job gets a fresh view.
 */
export function LogView({ streamPath, onEnd }: { streamPath: string; onEnd?: (status: string) => void }) {
  const [buffer] = useState(() => new LogBuffer());
  const [lineCount, setLineCount] = useState(0);
  // The last line can change without the count changing (a progress bar): this redraws it.
  const [, setVersion] = useState(0);
  const [state, setState] = useState<StreamState>('connecting');
  const [follow, setFollow] = useState(true);
  const scroller = useRef<HTMLElement>(null);
  const onEndRef = useRef(onEnd);
  onEndRef.current = onEnd;

  useEffect(() => {
    let pending = '';
    let frame: number | undefined;
    // Chunks arrive faster than frames: text is gathered and drawn once per frame.
    const flush = () => {
      frame = undefined;
      buffer.append(pending);
      pending = '';
      setLineCount(buffer.length);
      setVersion((version) => version + 1);
    };
    const source = new EventSource(`${API_PREFIX}${streamPath}`, { withCredentials: true });
    source.addEventListener('open', () => setState('streaming'));
    source.addEventListener('log', (event) => {
      pending += (JSON.parse((event as MessageEvent<string>).data) as { text: string }).text;
      frame ??= requestAnimationFrame(flush);
    });
    source.addEventListener('end', (event) => {
      source.close();
      if (frame !== undefined) cancelAnimationFrame(frame);
      flush();
      setState('ended');
      onEndRef.current?.((JSON.parse((event as MessageEvent<string>).data) as { status: string }).status);
    });
    source.addEventListener('error', () => {
      setState(source.readyState === EventSource.CLOSED ? 'failed' : 'reconnecting');
    });
    return () => {
      source.close();
      if (frame !== undefined) cancelAnimationFrame(frame);
    };
  }, [buffer, streamPath]);

  const { viewport, measure } = useScrollViewport(scroller);

  // After each redraw, a following view jumps to the new end (which fires a scroll event: measured).
  useLayoutEffect(() => {
    const element = scroller.current;
    if (follow && element) element.scrollTop = element.scrollHeight;
  });

  const onScroll = () => {
    const element = measure();
    if (element) setFollow(isAtBottom(element.scrollTop, element.clientHeight, element.scrollHeight));
  };

  const { first, end } = visibleLines({
    ...viewport,
    lineHeight: LINE_HEIGHT,
    lineCount,
    overscan: OVERSCAN,
  });
  const rows = [];
  for (let index = first; index < end; index++)
    rows.push(<LogLineRow key={index} number={index + 1} line={buffer.line(index)} />);
  const gutter = `${String(Math.max(lineCount, 1)).length + 1}ch`;

  return (
    <div>
      <div className="row log-toolbar">
        <span className="muted" role="status">
          {STATE_TEXT[state]}
          {lineCount > 0 && ` · ${lineCount.toLocaleString()} lines`}
        </span>
        {!follow && lineCount > 0 && (
          <button type="button" className="button button-small" onClick={() => setFollow(true)}>
            {state === 'ended' ? 'Scroll to end' : 'Follow'}
          </button>
        )}
      </div>
      <section
        ref={scroller}
        className="log log-scroller"
        aria-label="Job log"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: focusable so the keyboard can scroll it.
        tabIndex={0}
        onScroll={onScroll}
      >
        {state === 'ended' && lineCount === 0 ? (
          <p className="log-empty">This job wrote no log.</p>
        ) : (
          <div className="log-spacer" style={{ height: lineCount * LINE_HEIGHT }}>
            <div
              className="log-lines"
              style={
                { transform: `translateY(${first * LINE_HEIGHT}px)`, '--gutter': gutter } as CSSProperties
              }
            >
              {rows}
            </div>
          </div>
        )}
      </section>
    </div>
  );
}
