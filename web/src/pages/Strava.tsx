import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useSearchParams } from "react-router";

import { connectStrava, disconnectStrava, getStrava, syncStrava } from "../api/bff";
import { errorMessage } from "../api/errors";
import { Loading, useRunner } from "../api/session";
import type { StravaLink } from "../api/types";
import { FormMessage } from "../components/Field";
import { formatDateTime } from "../format/dates";

const stravaKey = ["strava"] as const;

/** Strava's words for the athlete, whatever fields the link carries. */
export function athleteName(athlete: StravaLink["athlete"]): string | null {
  if (!athlete) return null;
  const first = typeof athlete.firstname === "string" ? athlete.firstname : "";
  const last = typeof athlete.lastname === "string" ? athlete.lastname : "";
  const name = `${first} ${last}`.trim() || (typeof athlete.name === "string" ? athlete.name : "");
  return name || null;
}

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
      {link.isPending ? <Loading /> : null}
      {link.isError ? (
        <p role="alert" className="error">
          {errorMessage(link.error)}
        </p>
      ) : null}
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
              <dt>Athlete</dt>
              <dd>{athleteName(link.data.athlete) ?? "Connected"}</dd>
            </div>
            <div>
              <dt>State</dt>
              <dd>{link.data.state ?? "connected"}</dd>
            </div>
            <div>
              <dt>Last sync</dt>
              <dd>{link.data.last_sync_at ? formatDateTime(link.data.last_sync_at, runner.time_zone) : "not yet"}</dd>
            </div>
          </dl>
          <div className="actions">
            <button type="button" onClick={() => sync.mutate()} disabled={sync.isPending}>
              Sync now
            </button>
            <button type="button" className="danger" onClick={() => disconnect.mutate()} disabled={disconnect.isPending}>
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
