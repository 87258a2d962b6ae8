/** The browser session as server state: who is logged in, and the hooks screens use. */
import { useQuery, type QueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Navigate, Outlet, useLocation, useSearchParams } from "react-router";

import { getSession, setSessionHandlers } from "./bff";
import type { Profile, Session } from "./types";

export const sessionKey = ["session"] as const;

export function useSession() {
  return useQuery({ queryKey: sessionKey, queryFn: getSession, staleTime: Infinity, retry: 1 });
}

/** The logged-in runner; only under <RequireRunner>, which renders nothing without one. */
export function useRunner(): Profile {
  const { data } = useSession();
  if (!data?.runner) throw new Error("useRunner outside <RequireRunner>");
  return data.runner;
}

/** Keeps the cached session true to what the server says about it. */
export function connectSession(queryClient: QueryClient): void {
  setSessionHandlers({
    onLoggedOut() {
      queryClient.setQueryData<Session>(sessionKey, (old) => (old ? { ...old, runner: null } : old));
    },
    onCsrfFailed() {
      void queryClient.invalidateQueries({ queryKey: sessionKey });
    },
  });
}

/** After login or logout: the new session, and no personal data of the one before. */
export function replaceSession(queryClient: QueryClient, session: Session | null): void {
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKey[0] });
  if (session) {
    queryClient.setQueryData(sessionKey, session);
    return;
  }
  // Logged out at once (no screen shows the runner meanwhile), then a fresh session and token.
  queryClient.setQueryData<Session>(sessionKey, (old) => (old ? { ...old, runner: null } : old));
  void queryClient.invalidateQueries({ queryKey: sessionKey });
}

/** The runner's profile changed (units, time zone...): every screen shows the new one. */
export function updateRunner(queryClient: QueryClient, runner: Profile): void {
  queryClient.setQueryData<Session>(sessionKey, (old) => (old ? { ...old, runner } : old));
  void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== sessionKey[0] });
}

export function Loading({ what = "Loading…" }: { what?: string }): ReactNode {
  return (
    <p role="status" className="muted">
      {what}
    </p>
  );
}

/** Routes for logged-in runners: anyone else is sent to Log in, and back here after. */
export function RequireRunner(): ReactNode {
  const { data, isPending, error } = useSession();
  const location = useLocation();
  if (isPending) return <Loading />;
  if (error) {
    return (
      <p role="alert" className="error">
        The server could not be reached. Please reload the page.
      </p>
    );
  }
  if (!data.runner) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}

/** Routes for visitors (log in, sign up): a logged-in runner goes home instead. */
export function VisitorsOnly(): ReactNode {
  const { data } = useSession();
  const [params] = useSearchParams();
  if (data?.runner) return <Navigate to={safeNext(params.get("next"))} replace />;
  return <Outlet />;
}

/** Where to go after logging in: a path of this app only, never another site. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}
