/**
 * Heart rate, pace and elevation against distance, drawn by uPlot on canvas (a 10,000-point
 * series draws in a few milliseconds). Loaded on demand: the home screen never pays for it.
 */
import { useEffect, useMemo, useRef, type ReactNode } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

import type { Series } from "../api/types";
import { formatDuration, unitLabel, type Units } from "../format/units";
import { chartColumns, hasValues, summarize } from "./series";

const HEIGHT = 180;

interface LineProps {
  title: string;
  x: number[];
  y: Array<number | null>;
  units: Units;
  formatValue: (v: number) => string;
  /** Drawn upside down (smaller values higher). */
  inverted?: boolean;
}

function LineChart({ title, x, y, units, formatValue, inverted = false }: LineProps): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  const stats = summarize(y);
  useEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const width = (): number => Math.max(240, element.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false }, y: { dir: inverted ? -1 : 1 } },
        axes: [
          { values: (_u, ticks) => ticks.map((t) => `${t} ${unitLabel(units)}`) },
          { values: (_u, ticks) => ticks.map((t) => formatValue(t)), size: 84 },
        ],
        series: [{}, { label: title, stroke: "#0b5cad", width: 1.5, spanGaps: false }],
      },
      [x, y as number[]],
      element,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, y, units, title, inverted, formatValue]);
  const label = stats
    ? `${title} against distance: from ${formatValue(stats.min)} to ${formatValue(stats.max)}, ${formatValue(stats.mean)} on average.`
    : `${title}: no data.`;
  return (
    <figure className="series-chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={label} />
    </figure>
  );
}

const bpm = (v: number): string => `${Math.round(v)} bpm`;
const metres = (v: number): string => `${Math.round(v)} m`;

export default function SeriesCharts({ series, units }: { series: Series; units: Units }): ReactNode {
  const charts = useMemo(() => {
    const columns = chartColumns(series, units);
    const pace = (v: number): string => `${formatDuration(v)} /${unitLabel(units)}`;
    return [
      { title: "Heart rate", y: columns.heartRate, formatValue: bpm, inverted: false },
      // Faster is less: drawn higher, as runners read a pace chart.
      { title: "Pace", y: columns.pace, formatValue: pace, inverted: true },
      { title: "Elevation", y: columns.elevation, formatValue: metres, inverted: false },
    ]
      .filter((chart) => hasValues(chart.y))
      .map((chart) => ({ ...chart, x: columns.distance }));
  }, [series, units]);
  return (
    <div className="charts">
      {charts.map((chart) => (
        <LineChart key={chart.title} units={units} {...chart} />
      ))}
    </div>
  );
}
