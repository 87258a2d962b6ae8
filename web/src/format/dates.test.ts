// @vitest-environment node
import { describe, expect, it } from "vitest";

import { calendarDate, formatCalendarDay, formatDate, formatDateTime, nextDay, startOfDayIn } from "./dates";

describe("formatDateTime", () => {
  it("shows an instant in the runner's zone, not the browser's", () => {
    const instant = "2026-12-01T06:15:00Z";
    expect(formatDateTime(instant, "Europe/Paris")).toBe("Tue 1 Dec 2026, 07:15");
    expect(formatDateTime(instant, "America/New_York")).toBe("Tue 1 Dec 2026, 01:15");
    // Honolulu is still on the day before.
    expect(formatDateTime(instant, "Pacific/Honolulu")).toBe("Mon 30 Nov 2026, 20:15");
  });

  it("follows daylight saving time", () => {
    expect(formatDateTime("2026-07-01T06:15:00Z", "Europe/Paris")).toBe("Wed 1 Jul 2026, 08:15");
  });
});

describe("formatDate and calendarDate", () => {
  it("take the date in the zone given", () => {
    expect(formatDate("2026-01-01T02:00:00Z", "America/Los_Angeles")).toBe("31 Dec 2025");
    expect(calendarDate("2026-01-01T02:00:00Z", "America/Los_Angeles")).toBe("2025-12-31");
    expect(calendarDate("2026-01-01T02:00:00Z", "Asia/Tokyo")).toBe("2026-01-01");
  });

  it("shows a calendar date as it is, whatever the zone", () => {
    expect(formatCalendarDay("2026-11-30")).toBe("30 Nov");
  });
});

describe("startOfDayIn", () => {
  it("gives local midnight with the zone's offset that day", () => {
    expect(startOfDayIn("2026-01-15", "Europe/Paris")).toBe("2026-01-15T00:00:00+01:00");
    expect(startOfDayIn("2026-07-15", "Europe/Paris")).toBe("2026-07-15T00:00:00+02:00");
    expect(startOfDayIn("2026-07-15", "America/New_York")).toBe("2026-07-15T00:00:00-04:00");
    expect(startOfDayIn("2026-07-15", "Asia/Kolkata")).toBe("2026-07-15T00:00:00+05:30");
    expect(startOfDayIn("2026-07-15", "UTC")).toBe("2026-07-15T00:00:00+00:00");
  });

  it("takes the offset at local midnight on a day the clocks change", () => {
    // Paris springs forward at 02:00 on 29 March 2026: midnight is still +01:00.
    expect(startOfDayIn("2026-03-29", "Europe/Paris")).toBe("2026-03-29T00:00:00+01:00");
    // Auckland falls back on 5 April 2026: midnight is still +13:00.
    expect(startOfDayIn("2026-04-05", "Pacific/Auckland")).toBe("2026-04-05T00:00:00+13:00");
  });

  it("counts a day forward across months and years", () => {
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
    expect(nextDay("2028-02-28")).toBe("2028-02-29");
  });
});
