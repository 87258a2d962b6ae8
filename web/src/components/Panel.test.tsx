import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import type { HomeScreen } from "../api/types";
import { aProfile, aRun } from "../test/fixtures";
import { HomePanels } from "../pages/Home";
import { renderScreen } from "../test/render";

const runner = aProfile({ units: "miles", time_zone: "America/New_York" });

const run = aRun({
  started_at: "2026-12-01T03:30:00Z",
  time_zone: "Europe/Paris",
  distance_m: 16093.44,
  moving_time_s: 4800,
  elapsed_time_s: 4900,
  average_pace_s_per_km: 298.26,
});

function home(overrides: Partial<HomeScreen> = {}): HomeScreen {
  return {
    runner,
    last_runs: { status: "ok", data: [run] },
    totals: {
      status: "ok",
      data: {
        week: {
          start: "2026-11-30",
          count: 1,
          distance_m: 16093.44,
          moving_time_s: 4800,
          elevation_gain_m: 12,
          average_pace_s_per_km: 298.26,
        },
        month: {
          start: "2026-12-01",
          count: 0,
          distance_m: 0,
          moving_time_s: 0,
          elevation_gain_m: 0,
          average_pace_s_per_km: null,
        },
      },
    },
    weekly_distance: {
      status: "ok",
      data: Array.from({ length: 12 }, (_, i) => ({
        week_start: `2026-09-${String(7 + i).padStart(2, "0")}`,
        distance_m: i * 1000,
      })),
    },
    best_efforts: {
      status: "ok",
      data: [
        {
          name: "5K",
          distance_m: 5000,
          elapsed_s: 1380,
          pace_s_per_km: 276,
          run_id: "r1",
          run_started_at: run.started_at,
          start_offset_s: 0,
        },
      ],
    },
    ...overrides,
  };
}

describe("the home panels", () => {
  it("show the last runs in the runner's units and time zone", () => {
    renderScreen(<HomePanels home={home()} />);
    const lastRuns = screen.getByRole("region", { name: "Last runs" });
    const row = within(lastRuns).getByRole("row", { name: /Morning run/ });
    // 03:30 UTC is 22:30 the evening before in New York: the runner's zone, not the run's.
    expect(row).toHaveTextContent("Mon 30 Nov 2026, 22:30");
    expect(row).toHaveTextContent("10.00 mi");
    expect(row).toHaveTextContent("1:20:00");
    expect(row).toHaveTextContent("8:00 /mi");
    expect(within(lastRuns).getByRole("link", { name: "Morning run" })).toHaveAttribute("href", "/runs/r1");
  });

  it("show the week's and month's totals, and a dash for a month without running", () => {
    renderScreen(<HomePanels home={home()} />);
    const totals = screen.getByRole("region", { name: "This week and month" });
    expect(within(totals).getByText("This week").parentElement).toHaveTextContent("10.00 mi");
    expect(within(totals).getByText("This month").parentElement).toHaveTextContent("0.00 mi");
    expect(within(totals).getByText("This month").parentElement).toHaveTextContent("–");
  });

  it("say 'unavailable' in a panel whose service did not answer, and show the others", () => {
    renderScreen(
      <HomePanels
        home={home({
          last_runs: { status: "unavailable", message: "Your runs cannot be shown right now." },
          best_efforts: { status: "unavailable", message: "Best efforts cannot be shown right now." },
        })}
      />,
    );
    const lastRuns = screen.getByRole("region", { name: "Last runs" });
    expect(lastRuns).toHaveTextContent("unavailable");
    expect(lastRuns).toHaveTextContent("Your runs cannot be shown right now.");
    expect(within(lastRuns).queryByRole("table")).toBeNull();
    expect(screen.getByRole("region", { name: "Best efforts" })).toHaveTextContent("unavailable");
    // The other two still show their figures.
    expect(screen.getByRole("region", { name: "This week and month" })).not.toHaveTextContent("unavailable");
    const weekly = screen.getByRole("region", { name: "Weekly distance" });
    expect(within(weekly).getByRole("img")).toHaveAccessibleName(/41\.01 mi in all/);
    expect(within(weekly).getAllByRole("row")).toHaveLength(13);
  });

  it("invite a runner without runs to import some", () => {
    renderScreen(<HomePanels home={home({ last_runs: { status: "ok", data: [] } })} />);
    expect(screen.getByRole("link", { name: "add your activity files" })).toHaveAttribute("href", "/import");
  });
});
