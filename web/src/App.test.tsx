import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { AppRoutes } from "./App";
import { runnerProfile, serveBff } from "./test/bff";
import { aRun, aRunDetail } from "./test/fixtures";
import { renderScreen } from "./test/render";
import { envelope, type Reply } from "./test/server";

const runId = "6f1c2a9e-0d1b-4d4e-9a55-3f0c1e2d3b4a";

function runsPage(url: URL): Reply | null {
  if (url.pathname !== "/bff/v1/runs") return null;
  const cursor = url.searchParams.get("cursor");
  return cursor === "page-2"
    ? { status: 200, body: { runs: [aRun({ id: "r3", title: "Oldest run" })], next_cursor: null } }
    : {
        status: 200,
        body: {
          runs: [aRun({ id: "r1", title: "Newest run" }), aRun({ id: "r2", title: "Middle run" })],
          next_cursor: "page-2",
        },
      };
}

describe("the app", () => {
  it("sends a logged-out visitor to Log in, and back to the screen they asked for after", async () => {
    await serveBff((_, url) => runsPage(url));
    const user = userEvent.setup();
    renderScreen(<AppRoutes />, { route: "/runs" });
    expect(await screen.findByRole("heading", { level: 1, name: "Log in" })).toBeInTheDocument();
    await user.type(screen.getByLabelText("Email"), "ana@example.com");
    await user.type(screen.getByLabelText("Password"), "a long enough password");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Runs" })).toBeInTheDocument();
    expect(await screen.findByRole("link", { name: "Newest run" })).toBeInTheDocument();
    expect(screen.getByRole("navigation", { name: "Main" })).toBeInTheDocument();
  });

  it("pages through the runs with next_cursor", async () => {
    const { received } = await serveBff((_, url) => runsPage(url), { loggedIn: true });
    const user = userEvent.setup();
    renderScreen(<AppRoutes />, { route: "/runs" });
    await screen.findByRole("link", { name: "Middle run" });
    await user.click(screen.getByRole("button", { name: "Load more runs" }));
    expect(await screen.findByRole("link", { name: "Oldest run" })).toBeInTheDocument();
    // All three, newest first, and no more to load.
    const titles = within(screen.getByRole("table"))
      .getAllByRole("link")
      .map((a) => a.textContent);
    expect(titles).toEqual(["Newest run", "Middle run", "Oldest run"]);
    expect(screen.queryByRole("button", { name: "Load more runs" })).toBeNull();
    const pages = received.filter((r) => r.path.startsWith("/bff/v1/runs"));
    expect(new URL(pages[1]!.path, "http://x").searchParams.get("cursor")).toBe("page-2");
  });

  it("filters runs by dates in the runner's time zone", async () => {
    const { received } = await serveBff((_, url) => runsPage(url), { loggedIn: true });
    const user = userEvent.setup();
    renderScreen(<AppRoutes />, { route: "/runs" });
    await screen.findByRole("link", { name: "Middle run" });
    await user.type(screen.getByLabelText("From"), "2026-07-01");
    await user.type(screen.getByLabelText("To"), "2026-07-31");
    await user.click(screen.getByRole("button", { name: "Filter" }));
    await waitFor(() => expect(received.filter((r) => r.path.includes("after="))).toHaveLength(1));
    const query = new URL(received.find((r) => r.path.includes("after="))!.path, "http://x").searchParams;
    // Paris is two hours ahead in summer; "to" includes the whole last day.
    expect(query.get("after")).toBe("2026-07-01T00:00:00+02:00");
    expect(query.get("before")).toBe("2026-08-01T00:00:00+02:00");
  });

  it("moves focus to the new screen's heading, and names it in the title, when the runner navigates", async () => {
    await serveBff(
      (_, url) =>
        runsPage(url) ??
        (url.pathname === "/bff/v1/strava"
          ? { status: 200, body: { configured: false, connected: false } }
          : null),
      {
        loggedIn: true,
      },
    );
    const user = userEvent.setup();
    renderScreen(<AppRoutes />, { route: "/runs" });
    await screen.findByRole("heading", { level: 1, name: "Runs" });
    await user.click(screen.getByRole("link", { name: "Strava" }));
    const heading = await screen.findByRole("heading", { level: 1, name: "Strava" });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(document.title).toBe("Strava – Runnerly");
    expect(await screen.findByText(/Strava is not set up on this Runnerly server/)).toBeInTheDocument();
  });

  it("sends the runner to Log in when the server says the session ended", async () => {
    await serveBff(
      (_, url) => (url.pathname === "/bff/v1/home" ? envelope(401, "not_logged_in", "Log in first.") : null),
      {
        loggedIn: true,
      },
    );
    renderScreen(<AppRoutes />, { route: "/" });
    expect(await screen.findByRole("heading", { level: 1, name: "Log in" })).toBeInTheDocument();
  });

  it("logs out", async () => {
    const { received } = await serveBff((_, url) => runsPage(url), { loggedIn: true });
    const user = userEvent.setup();
    renderScreen(<AppRoutes />, { route: "/runs" });
    await user.click(await screen.findByRole("button", { name: "Log out" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Log in" })).toBeInTheDocument();
    expect(received.find((r) => r.method === "DELETE")?.headers["x-csrf-token"]).toBe("t");
  });
});

describe("the activation page", () => {
  it("activates the account once with the link's token and offers to log in", async () => {
    const { received } = await serveBff((request) =>
      request.path === "/bff/v1/activations" ? { status: 204 } : null,
    );
    renderScreen(<AppRoutes />, { route: "/activate?token=tok-123" });
    expect(await screen.findByRole("heading", { level: 1, name: "Account activated" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Log in" })).toHaveAttribute("href", "/login");
    const calls = received.filter((r) => r.path === "/bff/v1/activations");
    expect(calls).toHaveLength(1);
    expect(JSON.parse(calls[0]!.body)).toEqual({ token: "tok-123" });
  });

  it("says why a link does not work", async () => {
    await serveBff((request) =>
      request.path === "/bff/v1/activations"
        ? envelope(422, "invalid_token", "This link has expired or was already used.")
        : null,
    );
    renderScreen(<AppRoutes />, { route: "/activate?token=old" });
    expect(await screen.findByRole("heading", { level: 1, name: "Activation failed" })).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("This link has expired or was already used.");
  });
});

describe("a run's page", () => {
  const detail = aRunDetail({
    id: runId,
    title: "Tempo",
    distance_m: 8000,
    moving_time_s: 2400,
    splits: [
      {
        kilometre: 1,
        distance_m: 1000,
        elapsed_s: 300,
        moving_s: 300,
        pace_s_per_km: 300,
        elevation_change_m: 2,
        average_heart_rate: 150,
      },
    ],
  });

  it("saves a new title and deletes the run after asking again", async () => {
    let title = "Tempo";
    const { received } = await serveBff(
      (request, url) => {
        if (url.pathname === `/bff/v1/runs/${runId}`) {
          if (request.method === "GET")
            return { status: 200, body: { run: { ...detail, title }, series: null } };
          if (request.method === "PATCH") {
            title = (JSON.parse(request.body) as { title: string }).title;
            return { status: 200, body: { ...detail, title } };
          }
          if (request.method === "DELETE") return { status: 204 };
        }
        return runsPage(url);
      },
      { loggedIn: true },
    );
    const user = userEvent.setup();
    renderScreen(<AppRoutes />, { route: `/runs/${runId}` });
    expect(await screen.findByRole("heading", { level: 1, name: "Tempo" })).toBeInTheDocument();
    expect(screen.getByRole("group", { name: "Splits" })).toHaveTextContent("5:00 /km");

    const field = screen.getByLabelText("Title");
    await user.clear(field);
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(screen.getByLabelText("Title")).toHaveAccessibleDescription("Give the run a title.");
    await user.type(field, "Tempo Tuesday");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Tempo Tuesday" })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Delete run" }));
    expect(received.some((r) => r.method === "DELETE")).toBe(false);
    expect(screen.getByText(/Delete this run for good\?/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Delete run" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Runs" })).toBeInTheDocument();
    expect(received.filter((r) => r.method === "DELETE" && r.path === `/bff/v1/runs/${runId}`)).toHaveLength(
      1,
    );
  });
});

describe("settings", () => {
  it("switch the runner to miles, and every screen shows miles after", async () => {
    let units: "km" | "miles" = "km";
    const { received } = await serveBff(
      (request, url) => {
        const profile = { ...runnerProfile, units };
        if (url.pathname === "/bff/v1/settings") return { status: 200, body: { profile } };
        if (url.pathname === "/bff/v1/settings/profile" && request.method === "PATCH") {
          units = (JSON.parse(request.body) as { units: "km" | "miles" }).units;
          return { status: 200, body: { ...profile, units } };
        }
        return runsPage(url);
      },
      { loggedIn: true },
    );
    const user = userEvent.setup();
    renderScreen(<AppRoutes />, { route: "/settings" });
    await user.selectOptions(await screen.findByLabelText("Units"), "miles");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Saved.")).toBeInTheDocument();
    const patch = received.find((r) => r.method === "PATCH");
    expect(JSON.parse(patch!.body)).toEqual({ units: "miles" });
    expect(patch!.headers["x-csrf-token"]).toBe("t");

    await user.click(screen.getByRole("link", { name: "Runs" }));
    const row = await screen.findByRole("row", { name: /Newest run/ });
    expect(row).toHaveTextContent("6.21 mi");
    expect(row).toHaveTextContent("8:03 /mi");
  });

  it("delete the account only with the password, then say it is gone", async () => {
    const { received } = await serveBff(
      (request, url, session) => {
        if (url.pathname === "/bff/v1/settings") return { status: 200, body: { profile: runnerProfile } };
        if (url.pathname === "/bff/v1/account/deletion") {
          const { password } = JSON.parse(request.body) as { password: string };
          if (password !== "right password") {
            return envelope(422, "invalid_password", "The password is not right.", [
              { location: ["body", "password"] },
            ]);
          }
          session.logOut();
          return { status: 204 };
        }
        return null;
      },
      { loggedIn: true },
    );
    const user = userEvent.setup();
    renderScreen(<AppRoutes />, { route: "/settings" });
    await screen.findByLabelText("Units");
    const deletion = screen.getByRole("button", { name: "Delete account" });
    await user.click(deletion);
    expect(received.some((r) => r.path === "/bff/v1/account/deletion")).toBe(false);
    const password = screen.getByLabelText("Password", { exact: true });
    expect(password).toHaveAccessibleDescription(/Enter your password to confirm\./);
    await user.type(password, "wrong password");
    await user.click(deletion);
    await waitFor(() => expect(password).toHaveAccessibleDescription(/The password is not right\./));
    await user.clear(password);
    await user.type(password, "right password");
    await user.click(deletion);
    expect(await screen.findByRole("heading", { level: 1, name: "Account deleted" })).toBeInTheDocument();
    expect(screen.queryByRole("navigation", { name: "Main" })).toBeNull();
  });
});

describe("download my data", () => {
  it("says on the page why the export could not be made, and the page stays", async () => {
    await serveBff(
      (_, url) => {
        if (url.pathname === "/bff/v1/settings") return { status: 200, body: { profile: runnerProfile } };
        if (url.pathname === "/bff/v1/export") {
          return envelope(502, "export_incomplete", "The runs service could not give its part of your data.");
        }
        return null;
      },
      { loggedIn: true },
    );
    const user = userEvent.setup();
    renderScreen(<AppRoutes />, { route: "/settings" });
    await user.click(await screen.findByRole("button", { name: "Download my data" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "The runs service could not give its part of your data.",
    );
    expect(screen.getByRole("heading", { level: 1, name: "Settings" })).toBeInTheDocument();
  });
});

describe("the Strava screen", () => {
  it("shows the link and its last sync in the runner's zone, and syncs on demand", async () => {
    const { received } = await serveBff(
      (request, url) => {
        if (url.pathname === "/bff/v1/strava") {
          return {
            status: 200,
            body: {
              configured: true,
              connected: true,
              athlete: { id: 42 },
              last_sync_at: "2026-12-01T09:00:00Z",
              state: "active",
              backfill: "done",
            },
          };
        }
        if (url.pathname === "/bff/v1/strava/sync" && request.method === "POST")
          return { status: 202, body: { status: "queued" } };
        return null;
      },
      { loggedIn: true },
    );
    const user = userEvent.setup();
    renderScreen(<AppRoutes />, { route: "/strava?connected=1" });
    expect(await screen.findByText("Strava is connected: your runs are on their way.")).toBeInTheDocument();
    expect(await screen.findByText("Tue 1 Dec 2026, 10:00")).toBeInTheDocument();
    expect(screen.getByText("#42")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Sync now" }));
    expect(await screen.findByText(/Sync started/)).toBeInTheDocument();
    expect(received.filter((r) => r.path === "/bff/v1/strava/sync")).toHaveLength(1);
    expect(screen.getByRole("button", { name: "Disconnect Strava" })).toBeInTheDocument();
  });

  it("offers to connect when not linked, and says why a connection failed", async () => {
    await serveBff(
      (_, url) =>
        url.pathname === "/bff/v1/strava"
          ? { status: 200, body: { configured: true, connected: false } }
          : null,
      { loggedIn: true },
    );
    renderScreen(<AppRoutes />, { route: "/strava?error=access_denied" });
    expect(await screen.findByRole("button", { name: "Connect Strava" })).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("Strava was not connected: access denied.");
  });
});
