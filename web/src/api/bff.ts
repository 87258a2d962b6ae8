/**
 * Every call the app makes to its BFF (`/bff/v1`), typed by the client generated from
 * services/dashboard/openapi.json. Screens call these functions (through TanStack Query),
 * never fetch directly, so the contract is checked by the compiler in one place.
 */
import createClient from "openapi-fetch";

import { CsrfStore, csrfMiddleware, type SessionEvents } from "./csrf";
import { ApiError, toApiError } from "./errors";
import type { paths } from "./schema.gen";
import type { ImportResult, ProfileChange, Session } from "./types";
import { uploadFile } from "./upload";

// openapi-fetch builds Request objects, which need an absolute URL outside a browser page.
const origin = typeof location === "undefined" ? "http://localhost" : location.origin;

/** What the app does when the server says the session ended; set once by the app. */
const handlers: SessionEvents = { onLoggedOut() {}, onCsrfFailed() {} };

export function setSessionHandlers(next: Partial<SessionEvents>): void {
  Object.assign(handlers, next);
}

export const client = createClient<paths>({ baseUrl: origin, credentials: "same-origin" });

export const csrf = new CsrfStore(async () => (await getSession()).csrf_token);

client.use(
  csrfMiddleware(csrf, {
    onLoggedOut: () => handlers.onLoggedOut(),
    onCsrfFailed: () => handlers.onCsrfFailed(),
  }),
);

interface Answer<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

function isCsrfRefusal(answer: Answer<unknown>): boolean {
  const code = (answer.error as { error?: { code?: unknown } } | undefined)?.error?.code;
  return answer.response.status === 403 && code === "csrf_failed";
}

/**
 * Makes the call and answers the body of its 2xx answer (typed by the schema), or throws
 * the error envelope as an ApiError. A call refused for a stale CSRF token (the session was
 * rotated, e.g. by a login in another tab) changed nothing on the server, so it is made once
 * more: the middleware dropped the stale token, and the second call fetches a fresh one.
 */
async function unwrap<D>(call: () => Promise<Answer<D>>): Promise<D> {
  let answer = await call();
  if (isCsrfRefusal(answer)) answer = await call();
  const { data, error, response } = answer;
  if (!response.ok) throw toApiError(response.status, error);
  return data as D;
}

// Session ---------------------------------------------------------------------------------

export async function getSession(): Promise<Session> {
  const session = await unwrap(() => client.GET("/bff/v1/session"));
  csrf.set(session.csrf_token);
  return session;
}

export async function logIn(email: string, password: string): Promise<Session> {
  const session = await unwrap(() => client.POST("/bff/v1/session", { body: { email, password } }));
  // Logging in rotates the token: the old one is refused from now on.
  csrf.set(session.csrf_token);
  return session;
}

export async function logOut(): Promise<void> {
  await unwrap(() => client.DELETE("/bff/v1/session"));
  csrf.set(null);
}

// Account (no login needed) -----------------------------------------------------------------

export const signUp = (body: { email: string; password: string; name: string }) =>
  unwrap(() => client.POST("/bff/v1/accounts", { body }));

export const activate = (token: string) =>
  unwrap(() => client.POST("/bff/v1/activations", { body: { token } }));

export const resendActivation = (email: string) =>
  unwrap(() => client.POST("/bff/v1/activations/resend", { body: { email } }));

export const requestPasswordReset = (email: string) =>
  unwrap(() => client.POST("/bff/v1/password-resets", { body: { email } }));

export const confirmPasswordReset = (token: string, password: string) =>
  unwrap(() => client.POST("/bff/v1/password-resets/confirm", { body: { token, password } }));

export const confirmEmailChange = (token: string) =>
  unwrap(() => client.POST("/bff/v1/email-changes/confirm", { body: { token } }));

// Screens ---------------------------------------------------------------------------------

export const getHome = () => unwrap(() => client.GET("/bff/v1/home"));

export interface RunFilter {
  after?: string | undefined;
  before?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

export const listRuns = (query: RunFilter) => unwrap(() => client.GET("/bff/v1/runs", { params: { query } }));

export const getRun = (runId: string) =>
  unwrap(() => client.GET("/bff/v1/runs/{run_id}", { params: { path: { run_id: runId } } }));

export const patchRun = (runId: string, body: { title?: string; description?: string | null }) =>
  unwrap(() => client.PATCH("/bff/v1/runs/{run_id}", { params: { path: { run_id: runId } }, body }));

export const deleteRun = (runId: string) =>
  unwrap(() => client.DELETE("/bff/v1/runs/{run_id}", { params: { path: { run_id: runId } } }));

export const getStrava = () => unwrap(() => client.GET("/bff/v1/strava"));

export const connectStrava = () => unwrap(() => client.POST("/bff/v1/strava/connect"));

export const disconnectStrava = () => unwrap(() => client.DELETE("/bff/v1/strava"));

export const syncStrava = () => unwrap(() => client.POST("/bff/v1/strava/sync"));

export const getSettings = () => unwrap(() => client.GET("/bff/v1/settings"));

export const patchProfile = (body: ProfileChange) =>
  unwrap(() => client.PATCH("/bff/v1/settings/profile", { body }));

export const changeEmail = (email: string) =>
  unwrap(() => client.POST("/bff/v1/settings/email", { body: { email } }));

export const changePassword = (current_password: string, new_password: string) =>
  unwrap(() => client.POST("/bff/v1/settings/password", { body: { current_password, new_password } }));

export const deleteAccount = (password: string) =>
  unwrap(() => client.POST("/bff/v1/account/deletion", { body: { password } }));

/** The runner's data as a zip (`GET /bff/v1/export`), with the file name the server gives it. */
export async function downloadExport(): Promise<{ blob: Blob; filename: string }> {
  // A call, not a navigation: a refusal (a service that could not give its part) is then
  // shown on the page instead of replacing it with the error's JSON.
  const { data, error, response } = await client.GET("/bff/v1/export", { parseAs: "blob" });
  if (!response.ok || data === undefined) throw toApiError(response.status, error);
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? "runnerly-export.zip";
  return { blob: data, filename };
}
export const IMPORTS_URL = "/bff/v1/imports";

/**
 * Imports one file (`POST /bff/v1/imports`, multipart) with its upload progress, which fetch
 * cannot report, so through XMLHttpRequest: the session rules above applied by hand.
 */
export async function importFile(
  file: File,
  onProgress: (fraction: number) => void,
  url = IMPORTS_URL,
): Promise<ImportResult[]> {
  const send = async () => uploadFile(file, { url, csrfToken: await csrf.get(), onProgress });
  try {
    return await send();
  } catch (error) {
    if (error instanceof ApiError && error.code === "csrf_failed") {
      csrf.set(null);
      return send();
    }
    if (error instanceof ApiError && error.code === "not_logged_in") handlers.onLoggedOut();
    throw error;
  }
}
