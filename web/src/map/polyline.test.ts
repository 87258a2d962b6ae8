// @vitest-environment node
import { describe, expect, it } from "vitest";

import { decodePolyline, routePoints } from "./polyline";

describe("decodePolyline", () => {
  it("decodes Google's reference example", () => {
    expect(decodePolyline("_p~iF~ps|U_ulLnnqC_mqNvxq`@")).toEqual([
      [38.5, -120.2],
      [40.7, -120.95],
      [43.252, -126.453],
    ]);
  });

  it("decodes nothing to no points and refuses a truncated string", () => {
    expect(decodePolyline("")).toEqual([]);
    expect(() => decodePolyline("_p~iF~ps|U_")).toThrow("truncated polyline");
  });
});

describe("routePoints", () => {
  it("prefers the full series' positions, skipping points without one", () => {
    expect(routePoints("_p~iF~ps|U_ulLnnqC", [1, null, 2], [3, 4, 5])).toEqual([
      [1, 3],
      [2, 5],
    ]);
  });

  it("falls back to the polyline when the series has no positions", () => {
    expect(routePoints("_p~iF~ps|U_ulLnnqC", [null], [null])).toEqual([
      [38.5, -120.2],
      [40.7, -120.95],
    ]);
  });
});
