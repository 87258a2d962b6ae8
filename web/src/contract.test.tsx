/**
 * The accessible names the browser journeys use (the BFF contract's list): each screen
 * has its h1, labels, buttons and links exactly so, and each name finds one element.
 */
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { AppRoutes } from "./App";
import { runnerProfile, serveBff } from "./test/bff";
import { aRun, aRunDetail } from "./test/fixtures";
import { renderScreen } from "./test/render";
import type { Reply } from "./test/server";

const runId = "0d9a4c1e-7b2f-4e55-8a11-2c3d4e5f6a7b";
const detail = aRunDetail({ id: runId });

const panel = <T,>(data: T) => ({ status: "ok", data });
const totals = {
  start: "2026-11-30",
  count: 0,
  distance_m: 0,
  moving_time_s: 0,
  elevation_gain_m: 0,
  average_pace_s_per_km: null,
};

function screens(url: URL): Reply | null {
  switch (url.pathname) {
    case "/bff/v1/home":
      return {
        status: 200,
        body: {
          runner: runnerProfile,
          last_runs: panel([aRun()]),
          totals: panel({ week: totals, month: totals }),
          weekly_distance: panel([]),
          best_efforts: { status: "unavailable", message: "Not now." },
        },
      };
    case "/bff/v1/runs":
      return { status: 200, body: { runs: [aRun()], next_cursor: null } };
    case `/bff/v1/runs/${runId}`:
      return { status: 200, body: { run: detail, series: null } };
    case "/bff/v1/strava":
      return { status: 200, body: { configured: true, connected: false } };
    case "/bff/v1/settings":
      return { status: 200, body: { profile: runnerProfile } };
    default:
      return null;
  }
}

interface Expected {
  h1: string;
  labels?: string[];
  buttons?: string[];
  regions?: string[];
}

const LOGGED_IN: Record<string, Expected> = {
  "/": { h1: "Home", regions: ["Last runs", "This week and month", "Weekly distance", "Best efforts"] },
  "/runs": { h1: "Runs" },
  [`/runs/${runId}`]: {
    h1: "Morning run",
    labels: ["Title", "Description"],
    buttons: ["Save", "Delete run"],
  },
  "/import": { h1: "Import", buttons: ["Import"] },
  "/strava": { h1: "Strava", buttons: ["Connect Strava"] },
  "/settings": {
    h1: "Settings",
    labels: ["Name", "Units", "Time zone", "Email", "Current password", "New password", "Password"],
    buttons: ["Save", "Change email", "Change password", "Download my data", "Delete account"],
  },
};

const VISITORS: Record<string, Expected> = {
  "/login": { h1: "Log in", labels: ["Email", "Password"], buttons: ["Log in"] },
  "/signup": { h1: "Sign up", labels: ["Name", "Email", "Password"], buttons: ["Sign up"] },
};

function expectNames({ h1, labels = [], buttons = [], regions = [] }: Expected): void {
  expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent(h1);
  for (const label of labels) expect(screen.getByLabelText(label, { exact: true })).toBeInTheDocument();
  for (const name of buttons) expect(screen.getByRole("button", { name })).toBeInTheDocument();
  for (const name of regions) expect(screen.getByRole("region", { name })).toBeInTheDocument();
}

describe("the names the browser journeys use", () => {
  for (const [path, expected] of Object.entries(LOGGED_IN)) {
    it(`are on ${path}, with the navigation and Log out`, async () => {
      await serveBff((_, url) => screens(url), { loggedIn: true });
      renderScreen(<AppRoutes />, { route: path });
      await screen.findByRole("heading", { level: 1, name: expected.h1 });
      // Panels and forms come with the screen's data.
      if (expected.buttons?.length) await screen.findByRole("button", { name: expected.buttons[0]! });
      if (expected.labels?.length) await screen.findByLabelText(expected.labels[0]!, { exact: true });
      if (expected.regions?.length) await screen.findByRole("region", { name: expected.regions[0]! });
      expectNames(expected);
      for (const name of ["Home", "Runs", "Import", "Strava", "Settings"]) {
        // Playwright matches a name as a substring, ignoring case: no other link may contain it.
        expect(screen.getAllByRole("link", { name: new RegExp(name, "i") })).toHaveLength(1);
      }
      expect(screen.getByRole("button", { name: "Log out" })).toBeInTheDocument();
    });
  }

  for (const [path, expected] of Object.entries(VISITORS)) {
    it(`are on ${path}`, async () => {
      await serveBff(() => null);
      renderScreen(<AppRoutes />, { route: path });
      await screen.findByRole("heading", { level: 1, name: expected.h1 });
      expectNames(expected);
    });
  }

  it("say 'unavailable' in an unavailable home panel", async () => {
    await serveBff((_, url) => screens(url), { loggedIn: true });
    renderScreen(<AppRoutes />, { route: "/" });
    expect(await screen.findByRole("region", { name: "Best efforts" })).toHaveTextContent("unavailable");
  });
});
