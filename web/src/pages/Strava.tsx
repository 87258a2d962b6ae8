import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useSearchParams } from "react-router";

import { connectStrava, disconnectStrava, getStrava, syncStrava } from "../api/bff";
import { errorMessage } from "../api/errors";
import { useRunner } from "../api/session";
import type { StravaLink } from "../api/types";
import { FormMessage } from "../components/Field";
import { QueryStatus } from "../components/QueryStatus";
import { formatDateTime } from "../format/dates";

const stravaKey = ["strava"] as const;

const STATES: Record<NonNullable<StravaLink["state"]>, string> = {
  active: "Linked",
  broken: "Broken: Strava refused our access. Disconnect, then connect again.",
};
const BACKFILL: Record<NonNullable<StravaLink["backfill"]>, string> = {
  pending: "waiting to start",
  running: "bringing in your past runs",
  done: "all past runs brought in",
};

/** What the callback's redirect says (`/strava?connected=1` or `?error=...`). */
function callbackNotice(params: URLSearchParams): { error?: string; success?: string } {
  if (params.get("connected") === "1") return { success: "Strava is connected: your runs are on their way." };
  const error = params.get("error");
  if (error) return { error: `Strava was not connected: ${error.replace(/_/g, " ")}.` };
  return {};
}

export function Strava(): ReactNode {
  const runner = useRunner();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const link = useQuery({ queryKey: stravaKey, queryFn: getStrava });
  const connect = useMutation({
    mutationFn: connectStrava,
    // Strava asks the runner there, then sends the browser back to the BFF's callback.
    onSuccess: ({ authorize_url }) => window.location.assign(authorize_url),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: stravaKey });
  const disconnect = useMutation({ mutationFn: disconnectStrava, onSuccess: refresh });
  const sync = useMutation({ mutationFn: syncStrava, onSuccess: refresh });
  const notice = callbackNotice(params);
  const failure = [connect, disconnect, sync].find((m) => m.isError)?.error;

  return (
    <>
      <h1>Strava</h1>
      <FormMessage error={notice.error} success={notice.success} />
      <QueryStatus query={link} />
      {link.data && !link.data.configured ? (
        <p>Strava is not set up on this Runnerly server, so it cannot be connected.</p>
      ) : null}
      {link.data?.configured && !link.data.connected ? (
        <>
          <p>Connect your Strava account to bring in your runs, past and future.</p>
          <button type="button" onClick={() => connect.mutate()} disabled={connect.isPending}>
            Connect Strava
          </button>
        </>
      ) : null}
      {link.data?.configured && link.data.connected ? (
        <>
          <dl className="figures">
            <div>
              <dt>Strava athlete</dt>
              <dd>{link.data.athlete ? `#${link.data.athlete.id}` : "–"}</dd>
            </div>
            <div>
              <dt>Link</dt>
              <dd>{link.data.state ? STATES[link.data.state] : "Linked"}</dd>
            </div>
            {link.data.backfill ? (
              <div>
                <dt>Past runs</dt>
                <dd>{BACKFILL[link.data.backfill]}</dd>
              </div>
            ) : null}
            <div>
              <dt>Last sync</dt>
              <dd>
                {link.data.last_sync_at
                  ? formatDateTime(link.data.last_sync_at, runner.time_zone)
                  : "not yet"}
              </dd>
            </div>
          </dl>
          <div className="actions">
            <button type="button" onClick={() => sync.mutate()} disabled={sync.isPending}>
              Sync now
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => disconnect.mutate()}
              disabled={disconnect.isPending}
            >
              Disconnect Strava
            </button>
          </div>
          <FormMessage success={sync.isSuccess ? "Sync started: new runs appear in a moment." : null} />
        </>
      ) : null}
      <FormMessage error={failure ? errorMessage(failure) : null} />
    </>
  );
}
