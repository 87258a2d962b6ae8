/**
 * A BFF double on loopback for screen tests: a real HTTP server with a session that logs in
 * and out (CSRF token "t"), the app's calls sent to it; `screens` answers the other routes
 * (and may override the session's, or end it as the real BFF does on account deletion). Unknown routes answer 404, so an unexpected call fails
 * the test. Stopped after each test.
 */
import { afterEach } from "vitest";

import { csrf } from "../api/bff";
import { aProfile } from "./fixtures";
import { sendBffCallsTo } from "./render";
import { envelope, startServer, type Received, type Reply, type TestServer } from "./server";

export const runnerProfile = aProfile({ units: "km", time_zone: "Europe/Paris" });

let server: TestServer | undefined;
let undo: (() => void) | undefined;

afterEach(async () => {
  undo?.();
  await server?.close();
  server = undefined;
  undo = undefined;
  csrf.set(null);
});

export async function serveBff(
  screens: (request: Received, url: URL, session: { logOut(): void }) => Reply | null,
  { loggedIn = false } = {},
): Promise<TestServer> {
  let runner = loggedIn;
  server = await startServer((request) => {
    const url = new URL(request.path, "http://bff");
    const route = `${request.method} ${url.pathname}`;
    if (route === "GET /bff/v1/session") {
      return { status: 200, body: { csrf_token: "t", runner: runner ? runnerProfile : null } };
    }
    const answer = screens(request, url, { logOut: () => (runner = false) });
    if (answer) return answer;
    if (route === "POST /bff/v1/session") {
      runner = true;
      return { status: 200, body: { csrf_token: "t2", runner: runnerProfile } };
    }
    if (route === "DELETE /bff/v1/session") {
      runner = false;
      return { status: 204 };
    }
    return envelope(404, "not_found", `no ${route}`);
  });
  undo = sendBffCallsTo(server.url);
  return server;
}
