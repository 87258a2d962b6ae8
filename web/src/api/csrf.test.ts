// @vitest-environment node
import createClient from "openapi-fetch";
import { afterEach, describe, expect, it } from "vitest";

import { envelope, startServer, type TestServer } from "../test/server";
import { CsrfStore, csrfMiddleware, isStateChanging } from "./csrf";
import type { paths } from "./schema.gen";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A client wired as the app wires it, against a real server that hands out tokens t1, t2... */
async function setUp(answer: (path: string, method: string) => ReturnType<typeof envelope> | null) {
  let issued = 0;
  const events = { loggedOut: 0, csrfFailed: 0 };
  server = await startServer((request) => {
    if (request.path === "/bff/v1/session" && request.method === "GET") {
      issued += 1;
      return { status: 200, body: { csrf_token: `t${issued}`, runner: null } };
    }
    return answer(request.path, request.method) ?? { status: 204 };
  });
  const url = server.url;
  const store = new CsrfStore(async () => {
    const response = await fetch(`${url}/bff/v1/session`);
    return ((await response.json()) as { csrf_token: string }).csrf_token;
  });
  const client = createClient<paths>({ baseUrl: url });
  client.use(
    csrfMiddleware(store, {
      onLoggedOut: () => (events.loggedOut += 1),
      onCsrfFailed: () => (events.csrfFailed += 1),
    }),
  );
  return { client, store, events, received: server.received };
}

describe("the CSRF middleware", () => {
  it("sends the session's token on every state-changing call, fetching the session once", async () => {
    const { client, received } = await setUp(() => null);
    await Promise.all([
      client.POST("/bff/v1/strava/sync", {}),
      client.PATCH("/bff/v1/runs/{run_id}", { params: { path: { run_id: "r1" } }, body: { title: "x" } }),
      client.DELETE("/bff/v1/session", {}),
    ]);
    const sessionCalls = received.filter((r) => r.path === "/bff/v1/session" && r.method === "GET");
    expect(sessionCalls).toHaveLength(1);
    const changes = received.filter((r) => r.method !== "GET");
    expect(changes.map((r) => r.method).sort()).toEqual(["DELETE", "PATCH", "POST"]);
    for (const change of changes) expect(change.headers["x-csrf-token"]).toBe("t1");
  });

  it("sends no token on reads, and reads do not fetch the session", async () => {
    const { client, received } = await setUp(() => ({ status: 200, body: { runs: [], next_cursor: null } }));
    await client.GET("/bff/v1/runs", {});
    expect(received).toHaveLength(1);
    expect(received[0]?.headers["x-csrf-token"]).toBeUndefined();
  });

  it("uses a token set after login instead of asking for the session", async () => {
    const { client, store, received } = await setUp(() => null);
    store.set("after-login");
    await client.POST("/bff/v1/strava/sync", {});
    expect(received).toHaveLength(1);
    expect(received[0]?.headers["x-csrf-token"]).toBe("after-login");
  });

  it("forgets a refused token and takes a fresh one on the next call", async () => {
    let refuse = true;
    const { client, store, events, received } = await setUp((path) => {
      if (path === "/bff/v1/strava/sync" && refuse) {
        refuse = false;
        return envelope(403, "csrf_failed", "The request's CSRF token is missing or wrong.");
      }
      return null;
    });
    store.set("stale");
    const first = await client.POST("/bff/v1/strava/sync", {});
    expect(first.response.status).toBe(403);
    expect(events.csrfFailed).toBe(1);
    expect(store.current()).toBeNull();
    const second = await client.POST("/bff/v1/strava/sync", {});
    expect(second.response.status).toBe(204);
    expect(received.at(-1)?.headers["x-csrf-token"]).toBe("t1");
  });

  it("reports a session that ended on the server (401 not_logged_in), and no other 401", async () => {
    const { client, events } = await setUp((path) =>
      path === "/bff/v1/home"
        ? envelope(401, "not_logged_in", "Log in first.")
        : envelope(401, "invalid_credentials", "Wrong email or password."),
    );
    await client.POST("/bff/v1/session", { body: { email: "a@b.co", password: "wrong-password" } });
    expect(events.loggedOut).toBe(0);
    const home = await client.GET("/bff/v1/home", {});
    expect(events.loggedOut).toBe(1);
    // The middleware only looks: the screen still gets the error body.
    expect(home.error).toEqual({ error: { code: "not_logged_in", message: "Log in first.", details: null } });
  });

  it("treats POST, PUT, PATCH and DELETE as state-changing, GET, HEAD and OPTIONS not", () => {
    expect(["POST", "put", "PATCH", "DELETE"].every(isStateChanging)).toBe(true);
    expect(["GET", "HEAD", "options"].some(isStateChanging)).toBe(false);
  });
});
