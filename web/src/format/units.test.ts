// @vitest-environment node
import { describe, expect, it } from "vitest";

import { formatDistance, formatDuration, formatPace, paceFrom } from "./units";

describe("formatDistance", () => {
  it("shows kilometres with two decimals for a km runner", () => {
    expect(formatDistance(10_000, "km")).toBe("10.00 km");
    expect(formatDistance(5_432.1, "km")).toBe("5.43 km");
  });

  it("shows miles for a miles runner (a mile is 1609.344 m)", () => {
    expect(formatDistance(1609.344, "miles")).toBe("1.00 mi");
    expect(formatDistance(42_195, "miles")).toBe("26.22 mi");
  });
});

describe("formatDuration", () => {
  it("writes m:ss under an hour and h:mm:ss from an hour on", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(59.6)).toBe("1:00");
    expect(formatDuration(25 * 60 + 7)).toBe("25:07");
    expect(formatDuration(3600)).toBe("1:00:00");
    expect(formatDuration(2 * 3600 + 5 * 60 + 9)).toBe("2:05:09");
  });
});

describe("formatPace", () => {
  it("shows seconds per km as m:ss per kilometre", () => {
    expect(formatPace(300, "km")).toBe("5:00 /km");
    expect(formatPace(272.4, "km")).toBe("4:32 /km");
  });

  it("converts a per-km pace to per mile", () => {
    // 5:00 /km is 482.8 s per mile.
    expect(formatPace(300, "miles")).toBe("8:03 /mi");
  });

  it("shows a dash when the run did not move", () => {
    expect(formatPace(null, "km")).toBe("–");
    expect(formatPace(0, "miles")).toBe("–");
  });

  it("derives a pace from distance and time, none without distance", () => {
    expect(paceFrom(2000, 600)).toBe(300);
    expect(paceFrom(0, 600)).toBeNull();
  });
});
