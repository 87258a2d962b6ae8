import { describe, expect, it } from "vitest";

import { serveBff } from "../test/bff";
import { envelope } from "../test/server";
import { csrf, downloadExport, syncStrava } from "./bff";
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

describe("downloading my data", () => {
  it("answers the zip and the file name the server gives it", async () => {
    await serveBff(
      (_, url) =>
        url.pathname === "/bff/v1/export"
          ? {
              status: 200,
              raw: "PK-zip-bytes",
              headers: {
                "content-type": "application/zip",
                "content-disposition": 'attachment; filename="runnerly-export-2026-12-02.zip"',
              },
            }
          : null,
      { loggedIn: true },
    );
    const { blob, filename } = await downloadExport();
    expect(filename).toBe("runnerly-export-2026-12-02.zip");
    expect(await blob.text()).toBe("PK-zip-bytes");
  });

  it("throws the server's refusal, for the page to show", async () => {
    await serveBff(
      (_, url) =>
        url.pathname === "/bff/v1/export"
          ? envelope(
              502,
              "export_incomplete",
              "The users service could not give its part of your data; try again later.",
            )
          : null,
      { loggedIn: true },
    );
    await expect(downloadExport()).rejects.toThrow("The users service could not give its part of your data");
  });
});
