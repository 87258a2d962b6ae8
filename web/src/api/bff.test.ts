import { describe, expect, it } from "vitest";

import { serveBff } from "../test/bff";
import { envelope } from "../test/server";
import { csrf, syncStrava } from "./bff";
import { ApiError } from "./errors";

describe("the BFF calls", () => {
  it("make a call refused for a stale CSRF token once more, with a fresh token", async () => {
    const { received } = await serveBff(
      (request) =>
        request.headers["x-csrf-token"] === "stale"
          ? envelope(403, "csrf_failed", "The request's CSRF token is missing or wrong.")
          : { status: 202, body: { status: "queued" } },
      { loggedIn: true },
    );
    csrf.set("stale");
    await expect(syncStrava()).resolves.toEqual({ status: "queued" });
    const syncs = received.filter((r) => r.path === "/bff/v1/strava/sync");
    expect(syncs.map((r) => r.headers["x-csrf-token"])).toEqual(["stale", "t"]);
  });

  it("make it once more only: a second refusal is the caller's error", async () => {
    const { received } = await serveBff(() => envelope(403, "csrf_failed", "Wrong origin."), {
      loggedIn: true,
    });
    csrf.set("stale");
    const error = await syncStrava().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("csrf_failed");
    expect(received.filter((r) => r.path === "/bff/v1/strava/sync")).toHaveLength(2);
  });

  it("do not repeat other refusals", async () => {
    const { received } = await serveBff(() => envelope(403, "forbidden", "No."), { loggedIn: true });
    await expect(syncStrava()).rejects.toThrow("No.");
    expect(received.filter((r) => r.path === "/bff/v1/strava/sync")).toHaveLength(1);
  });
});
