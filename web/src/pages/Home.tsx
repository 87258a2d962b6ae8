import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link } from "react-router";

import { getHome } from "../api/bff";
import type { BestEffort, HomeScreen, Totals } from "../api/types";
import { Panel } from "../components/Panel";
import { RunList } from "../components/RunList";
import { WeeklyChart } from "../components/WeeklyChart";
import { QueryStatus } from "../components/QueryStatus";
import { formatDate } from "../format/dates";
import { formatDistance, formatDuration, formatPace, type Units } from "../format/units";
import { TableHead } from "../components/TableHead";

export const homeKey = ["home"] as const;

export function Home(): ReactNode {
  const home = useQuery({ queryKey: homeKey, queryFn: getHome });
  return (
    <>
      <h1>Home</h1>
      <QueryStatus query={home} />
      {home.data ? <HomePanels home={home.data} /> : null}
    </>
  );
}

/** The four panels, each on its own: one that is unavailable leaves the others as they are. */
export function HomePanels({ home }: { home: HomeScreen }): ReactNode {
  const { units, time_zone: timeZone } = home.runner;
  return (
    <div className="panels">
      <Panel label="Last runs" panel={home.last_runs}>
        {(runs) => (
          <>
            <RunList runs={runs} units={units} timeZone={timeZone} caption="Your last runs, newest first" />
            {runs.length > 0 ? (
              <p>
                <Link to="/runs">See every run</Link>
              </p>
            ) : null}
          </>
        )}
      </Panel>
      <Panel label="This week and month" panel={home.totals}>
        {(totals) => (
          <div className="totals">
            <TotalsCard title="This week" totals={totals.week} units={units} />
            <TotalsCard title="This month" totals={totals.month} units={units} />
          </div>
        )}
      </Panel>
      <Panel label="Weekly distance" panel={home.weekly_distance}>
        {(weeks) => <WeeklyChart weeks={weeks} units={units} />}
      </Panel>
      <Panel label="Best efforts" panel={home.best_efforts}>
        {(efforts) => <BestEfforts efforts={efforts} units={units} timeZone={timeZone} />}
      </Panel>
    </div>
  );
}

function TotalsCard({ title, totals, units }: { title: string; totals: Totals; units: Units }): ReactNode {
  return (
    <div className="card">
      <h3>{title}</h3>
      <dl className="figures">
        <div>
          <dt>Distance</dt>
          <dd>{formatDistance(totals.distance_m, units)}</dd>
        </div>
        <div>
          <dt>Runs</dt>
          <dd>{totals.count}</dd>
        </div>
        <div>
          <dt>Time</dt>
          <dd>{formatDuration(totals.moving_time_s)}</dd>
        </div>
        <div>
          <dt>Pace</dt>
          <dd>{formatPace(totals.average_pace_s_per_km, units)}</dd>
        </div>
      </dl>
    </div>
  );
}

function BestEfforts({
  efforts,
  units,
  timeZone,
}: {
  efforts: BestEffort[];
  units: Units;
  timeZone: string;
}): ReactNode {
  if (efforts.length === 0)
    return <p className="muted">No best efforts yet: they come with runs recorded with GPS.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">Your fastest times over standard distances</caption>
        <TableHead columns={["Distance", "Time", "Pace", "When"]} numeric={["Time", "Pace"]} />
        <tbody>
          {efforts.map((effort) => (
            <tr key={effort.name}>
              <th scope="row">{effort.name}</th>
              <td className="num">{formatDuration(effort.elapsed_s)}</td>
              <td className="num">{formatPace(effort.pace_s_per_km, units)}</td>
              <td>
                <Link to={`/runs/${encodeURIComponent(effort.run_id)}`}>
                  {formatDate(effort.run_started_at, timeZone)}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
