/** A run's time series turned into chart columns: values against distance in the runner's unit. */
import type { Series } from "../api/types";
import { unitLength, type Units } from "../format/units";

export interface ChartColumns {
  /** Distance from the start, in the runner's unit (km or mi). */
  distance: number[];
  heartRate: Array<number | null>;
  /** Seconds per the runner's unit, over the last PACE_WINDOW_M metres; null when stopped. */
  pace: Array<number | null>;
  elevation: Array<number | null>;
}

/** Pace over a short stretch: point to point it jumps with every GPS wobble. */
export const PACE_WINDOW_M = 200;
// Slower than this is walking or standing: left out rather than flattening the scale.
const SLOWEST_S_PER_KM = 20 * 60;

export function chartColumns(series: Series, units: Units): ChartColumns {
  const unit = unitLength(units);
  const n = Math.min(series.distances.length, series.seconds.length);
  const distance = new Array<number>(n);
  const pace = new Array<number | null>(n);
  let start = 0;
  for (let i = 0; i < n; i++) {
    const d = series.distances[i] ?? 0;
    distance[i] = d / unit;
    // The window's start moves forward only: one pass over the run.
    while (start < i && d - (series.distances[start + 1] ?? 0) >= PACE_WINDOW_M) start++;
    const covered = d - (series.distances[start] ?? 0);
    const took = (series.seconds[i] ?? 0) - (series.seconds[start] ?? 0);
    const perKm = covered >= PACE_WINDOW_M / 2 ? took / (covered / 1000) : null;
    pace[i] = perKm !== null && perKm > 0 && perKm <= SLOWEST_S_PER_KM ? (perKm * unit) / 1000 : null;
  }
  return {
    distance,
    heartRate: series.heart_rates.slice(0, n),
    pace,
    elevation: series.elevations.slice(0, n),
  };
}

/** Whether a column has anything to draw. */
export function hasValues(column: ReadonlyArray<number | null>): boolean {
  return column.some((v) => v != null);
}

/** Lowest, highest and mean of a column's values, for the chart's text alternative. */
export function summarize(
  column: ReadonlyArray<number | null>,
): { min: number; max: number; mean: number } | null {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let count = 0;
  for (const v of column) {
    if (v == null) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    count++;
  }
  return count ? { min, max, mean: sum / count } : null;
}
