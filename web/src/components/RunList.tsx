/** Runs as a list: date in the runner's time zone, distance, time and pace in their units. */
import type { ReactNode } from "react";
import { Link } from "react-router";

import type { RunSummary } from "../api/types";
import { formatDateTime } from "../format/dates";
import { formatDistance, formatDuration, formatPace, type Units } from "../format/units";
import { TableHead } from "./TableHead";

export function RunList({
  runs,
  units,
  timeZone,
  caption,
}: {
  runs: RunSummary[];
  units: Units;
  timeZone: string;
  caption: string;
}): ReactNode {
  if (runs.length === 0) {
    return (
      <p className="muted">
        No runs yet: <Link to="/import">add your activity files</Link> or connect Strava.
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table className="runs">
        <caption className="visually-hidden">{caption}</caption>
        <TableHead
          columns={["Date", "Run", "Distance", "Time", "Pace"]}
          numeric={["Distance", "Time", "Pace"]}
        />
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td>
                <time dateTime={run.started_at}>{formatDateTime(run.started_at, timeZone)}</time>
              </td>
              <td>
                <Link to={`/runs/${encodeURIComponent(run.id)}`}>{run.title}</Link>
              </td>
              <td className="num">{formatDistance(run.distance_m, units)}</td>
              <td className="num">{formatDuration(run.moving_time_s)}</td>
              <td className="num">{formatPace(run.average_pace_s_per_km, units)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
