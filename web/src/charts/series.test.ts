// @vitest-environment node
import { describe, expect, it } from "vitest";

import type { Series } from "../api/types";
import { chartColumns, hasValues, summarize } from "./series";

/** A steady run: one point a second at `speed` m/s. */
function steady(points: number, speed: number): Series {
  const seconds = Array.from({ length: points }, (_, i) => i);
  return {
    seconds,
    distances: seconds.map((s) => s * speed),
    latitudes: seconds.map(() => null),
    longitudes: seconds.map(() => null),
    elevations: seconds.map((s) => 100 + (s % 10)),
    heart_rates: seconds.map((s) => (s < 5 ? null : 150)),
    cadences: seconds.map(() => null),
  };
}

describe("chart columns", () => {
  it("put distance in the runner's unit on the x axis", () => {
    const columns = chartColumns(steady(11, 100), "km");
    expect(columns.distance[10]).toBe(1);
    expect(chartColumns(steady(11, 160.9344), "miles").distance[10]).toBeCloseTo(1, 10);
  });

  it("give the pace over the last stretch, per the runner's unit", () => {
    // 4 m/s is 250 s/km, 402.3 s/mi.
    const km = chartColumns(steady(600, 4), "km");
    expect(km.pace[0]).toBeNull(); // nothing covered yet
    expect(km.pace[599]).toBeCloseTo(250, 6);
    expect(chartColumns(steady(600, 4), "miles").pace[599]).toBeCloseTo(402.336, 3);
  });

  it("leave out standing still rather than drawing a huge pace", () => {
    const series = steady(400, 4);
    // Stopped for 300 s at the end: same distance, time goes on.
    const last = series.distances.at(-1)!;
    for (let i = 0; i < 300; i++) {
      series.seconds.push(400 + i);
      series.distances.push(last);
      series.heart_rates.push(120);
      series.elevations.push(100);
    }
    const pace = chartColumns(series, "km").pace;
    expect(pace.at(-1)).toBeNull();
  });

  it("handle a 10,000-point run in one pass", () => {
    const columns = chartColumns(steady(10_000, 3), "km");
    expect(columns.distance).toHaveLength(10_000);
    expect(columns.pace.filter((p) => p !== null).length).toBeGreaterThan(9_900);
  });

  it("summarize a column, skipping gaps", () => {
    const columns = chartColumns(steady(20, 3), "km");
    expect(hasValues(columns.heartRate)).toBe(true);
    expect(hasValues([null, null])).toBe(false);
    expect(summarize(columns.elevation)).toEqual({ min: 100, max: 109, mean: 104.5 });
    expect(summarize([null])).toBeNull();
  });
});
