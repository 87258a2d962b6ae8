/**
 * The CSRF token the BFF hands out with the session (`GET /bff/v1/session`), sent back
 * as `X-CSRF-Token` on every state-changing call. The token lives only in memory: the
 * session cookie itself is HttpOnly, so page script never sees a credential.
 */
import type { Middleware } from "openapi-fetch";

export const CSRF_HEADER = "X-CSRF-Token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** Holds the current token; fetches the session the first time one is needed. */
export class CsrfStore {
  private token: string | null = null;
  private pending: Promise<string> | null = null;

  /** `loadSession` calls `GET /bff/v1/session` and answers its csrf_token. */
  constructor(private readonly loadSession: () => Promise<string>) {}

  set(token: string | null): void {
    this.token = token;
  }

  current(): string | null {
    return this.token;
  }

  /** The token, asking the BFF for the session first when there is none yet. */
  async get(): Promise<string> {
    if (this.token) return this.token;
    // Concurrent first calls share one session request.
    this.pending ??= this.loadSession().then(
      (token) => {
        this.token = token;
        this.pending = null;
        return token;
      },
      (error: unknown) => {
        this.pending = null;
        throw error;
      },
    );
    return this.pending;
  }
}

export interface SessionEvents {
  /** A call answered 401 `not_logged_in`: the session ended on the server. */
  onLoggedOut(): void;
  /** A call answered 403 `csrf_failed`: the token is stale (the session was rotated). */
  onCsrfFailed(): void;
}

async function errorCode(response: Response): Promise<string | null> {
  try {
    const body: unknown = await response.clone().json();
    const error = (body as { error?: { code?: unknown } } | null)?.error;
    return typeof error?.code === "string" ? error.code : null;
  } catch {
    return null;
  }
}

/** The openapi-fetch middleware: adds the token, and reports a lost session or stale token. */
export function csrfMiddleware(store: CsrfStore, events: SessionEvents): Middleware {
  return {
    async onRequest({ request }) {
      if (!isStateChanging(request.method)) return undefined;
      const token = await store.get();
      request.headers.set(CSRF_HEADER, token);
      return request;
    },
    async onResponse({ response }) {
      if (response.status === 401 && (await errorCode(response)) === "not_logged_in") {
        events.onLoggedOut();
      } else if (response.status === 403 && (await errorCode(response)) === "csrf_failed") {
        store.set(null);
        events.onCsrfFailed();
      }
      return undefined;
    },
  };
}
