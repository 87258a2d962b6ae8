/**
 * Weekly distance as twelve bars. Plain SVG: twelve values need no chart library, so the
 * home screen's first load carries none. The same figures are in a table for screen readers.
 */
import type { ReactNode } from "react";

import type { WeekDistance } from "../api/types";
import { formatCalendarDay } from "../format/dates";
import { TableHead } from "./TableHead";
import { formatDistance, type Units } from "../format/units";

const WIDTH = 360;
const HEIGHT = 160;
const AXIS = 18;

export function WeeklyChart({ weeks, units }: { weeks: WeekDistance[]; units: Units }): ReactNode {
  const peak = Math.max(0, ...weeks.map((w) => w.distance_m));
  // The scale's top; 1 m keeps an empty quarter from dividing by zero.
  const most = Math.max(1, peak);
  const slot = WIDTH / Math.max(1, weeks.length);
  const total = weeks.reduce((sum, w) => sum + w.distance_m, 0);
  const summary = `Weekly distance over the last ${weeks.length} weeks: ${formatDistance(total, units)} in all, most in one week ${formatDistance(peak, units)}.`;
  return (
    <figure className="weekly-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT + AXIS}`}
        role="img"
        aria-label={summary}
        preserveAspectRatio="none"
      >
        {weeks.map((week, i) => {
          const h = (week.distance_m / most) * HEIGHT;
          return (
            <rect
              key={week.week_start}
              x={i * slot + slot * 0.15}
              y={HEIGHT - h}
              width={slot * 0.7}
              height={h}
              className="bar"
            >
              <title>
                {formatCalendarDay(week.week_start)}: {formatDistance(week.distance_m, units)}
              </title>
            </rect>
          );
        })}
        <line x1={0} x2={WIDTH} y1={HEIGHT} y2={HEIGHT} className="axis" />
        {weeks.map((week, i) =>
          i % 3 === 0 ? (
            // The first label starts at the bar's left edge: centred, it would be cut off.
            <text
              key={week.week_start}
              x={i === 0 ? 2 : i * slot + slot / 2}
              y={HEIGHT + 14}
              textAnchor={i === 0 ? "start" : "middle"}
              className="tick"
            >
              {formatCalendarDay(week.week_start)}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption className="muted">Most in one week: {formatDistance(peak, units)}</figcaption>
      <table className="visually-hidden">
        <caption>Distance per week</caption>
        <TableHead columns={["Week from", "Distance"]} />
        <tbody>
          {weeks.map((week) => (
            <tr key={week.week_start}>
              <td>{formatCalendarDay(week.week_start)}</td>
              <td>{formatDistance(week.distance_m, units)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
