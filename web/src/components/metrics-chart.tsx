import { useEffect, useId, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import {
  type ChartData,
  type DeploymentMarker,
  labelledMarkers,
  latestValues,
  sampleCount,
  seriesColourVariable,
} from '../lib/metrics-chart.ts';

const HEIGHT = 200;
/** Room around a marker's label, in CSS pixels. */
const LABEL_PAD = 4;

/** A CSS variable's value where `element` is, so the canvas takes the stylesheet's colours. */
function cssVariable(element: Element, name: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim();
}

/**
 * Draws the deployment markers over the plot: a dashed vertical line at each deployment, in its
 * status's colour, labelled `#iid sha` where the labels do not overlap (newest first).
 */
function markersPlugin(host: Element, markers: () => readonly DeploymentMarker[]): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u) => {
          const shown = markers();
          if (shown.length === 0) return;
          const { ctx } = u;
          const { left, top, width, height } = u.bbox;
          const ratio = uPlot.pxRatio;
          ctx.save();
          ctx.font = `${11 * ratio}px ${cssVariable(host, '--mono') || 'monospace'}`;
          ctx.textBaseline = 'top';
          ctx.textAlign = 'left';
          const xs = shown.map((marker) => u.valToPos(marker.x, 'x', true));
          const labelWidth =
            Math.max(...shown.map((marker) => ctx.measureText(marker.label).width)) + 2 * LABEL_PAD * ratio;
          const labelled = labelledMarkers(xs, labelWidth);
          shown.forEach((marker, index) => {
            const x = Math.round(xs[index]!);
            if (x < left || x > left + width) return;
            const colour = cssVariable(host, `--${marker.tone}`);
            ctx.strokeStyle = colour;
            ctx.lineWidth = 1.5 * ratio;
            ctx.setLineDash([4 * ratio, 3 * ratio]);
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, top + height);
            ctx.stroke();
            if (!labelled.has(index)) return;
            const text = ctx.measureText(marker.label).width;
            // Right of the line, or left of it when that would leave the plot.
            const boxX = x + labelWidth <= left + width ? x : x - text - 2 * LABEL_PAD * ratio;
            // No box behind the label: it must not hide the samples under it.
            ctx.fillStyle = colour;
            ctx.fillText(marker.label, boxX + LABEL_PAD * ratio, top + 2 * ratio);
          });
          ctx.restore();
        },
      ],
    },
  };
}

/**
 * One time-series chart (uPlot) of the environment graphs: a line per series on the range
 * `[from, to]` (unix seconds), the deployment markers over it, sized to its box (redrawn when the
 * box changes, so it works from a phone to a wide screen). New data for the same series is drawn
 * in place; other series make a new plot. The newest value of each series is written below for
 * those who do not see the canvas.
 */
export function MetricsChart({
  title,
  data,
  format,
  markers,
  from,
  to,
}: {
  title: string;
  data: ChartData;
  format: (value: number) => string;
  markers: readonly DeploymentMarker[];
  from: number;
  to: number;
}) {
  const id = useId();
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot>(undefined);
  // Hooks and formatters read the newest props without the plot being made again.
  const latest = useRef({ markers, format, from, to });
  latest.current = { markers, format, from, to };
  const labelsKey = data.labels.join('\n');

  // biome-ignore lint/correctness/useExhaustiveDependencies: a plot is made per set of series (its labels); data is set below.
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const muted = cssVariable(element, '--muted');
    const border = cssVariable(element, '--border');
    const axis = {
      stroke: muted,
      grid: { stroke: border, width: 1 },
      ticks: { stroke: border, width: 1 },
    };
    const value = (_: uPlot, raw: number | null) => (raw == null ? '—' : latest.current.format(raw));
    const u = new uPlot(
      {
        width: element.clientWidth,
        height: HEIGHT,
        scales: {
          x: { time: true, range: () => [latest.current.from, latest.current.to] },
          y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
        },
        series: [
          {},
          ...data.labels.map((label, index) => ({
            label,
            stroke: cssVariable(element, seriesColourVariable(index)),
            width: 1.5,
            value,
          })),
        ],
        axes: [
          // Room for `10:15am` between time ticks, so a phone's narrow chart does not run them together.
          { ...axis, space: 72 },
          {
            ...axis,
            // As wide as the longest tick label (`57.2 MiB`) at the axis font's 12 px, plus the tick and gap.
            size: (_u: uPlot, values: string[] | null) =>
              24 + 7 * Math.max(4, ...(values ?? []).map((value) => value.length)),
            values: (_u: uPlot, ticks: number[]) => ticks.map(latest.current.format),
          },
        ],
        cursor: { drag: { x: false, y: false, setScale: false } },
        plugins: [markersPlugin(element, () => latest.current.markers)],
      },
      data.columns as uPlot.AlignedData,
      element,
    );
    plot.current = u;
    const observer = new ResizeObserver(() => {
      if (element.clientWidth > 0 && element.clientWidth !== u.width)
        u.setSize({ width: element.clientWidth, height: HEIGHT });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      u.destroy();
      plot.current = undefined;
    };
  }, [labelsKey]);

  // New samples, range or markers: set the data again, which rescales (the x range reads `latest`) and redraws.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `from`, `to` and `markers` are read through `latest`.
  useEffect(() => {
    plot.current?.setData(data.columns as uPlot.AlignedData);
  }, [data, from, to, markers]);

  const values = latestValues(data);
  return (
    <figure className="metrics-chart card" aria-labelledby={`${id}-title`} data-samples={sampleCount(data)}>
      <h3 id={`${id}-title`}>{title}</h3>
      <div ref={host} className="metrics-chart-plot" />
      <figcaption className="muted metrics-chart-latest">
        Latest:{' '}
        {data.labels.map((label, index) => (
          <span key={label}>
            {index > 0 && ' · '}
            {label} {values[index] === null ? '—' : format(values[index]!)}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
