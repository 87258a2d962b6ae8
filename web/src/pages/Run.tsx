import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type ReactNode } from "react";
import { Link, useNavigate, useParams } from "react-router";

import { deleteRun, getRun, patchRun } from "../api/bff";
import { errorMessage } from "../api/errors";
import { Loading, useRunner } from "../api/session";
import type { Lap, RunDetail, Split } from "../api/types";
import { Field, FormEnd, FormMessage, TextArea } from "../components/Field";
import { LazyPart, RouteMap, SeriesCharts } from "../components/Lazy";
import { useForm } from "../components/useForm";
import { formatDateTime } from "../format/dates";
import { formatDistance, formatDuration, formatPace, paceFrom, type Units } from "../format/units";
import { routePoints } from "../map/polyline";
import { validate } from "../validation";
import { TableHead } from "../components/TableHead";

export function Run(): ReactNode {
  const { runId = "" } = useParams();
  const runner = useRunner();
  const run = useQuery({ queryKey: ["run", runId], queryFn: () => getRun(runId) });
  const points = useMemo(
    () =>
      run.data
        ? routePoints(run.data.run.polyline, run.data.series?.latitudes, run.data.series?.longitudes)
        : [],
    [run.data],
  );

  if (run.isPending) {
    return (
      <>
        <h1>Run</h1>
        <Loading />
      </>
    );
  }
  if (run.isError) {
    return (
      <>
        <h1>Run</h1>
        <p role="alert" className="error">
          {errorMessage(run.error)}
        </p>
        <p>
          <Link to="/runs">Back to the list</Link>
        </p>
      </>
    );
  }
  const { run: detail, series } = run.data;
  const timeZone = runner.time_zone;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/runs">Back to the list</Link>
      </p>
      <h1>{detail.title}</h1>
      <p className="muted">
        <time dateTime={detail.started_at}>{formatDateTime(detail.started_at, timeZone)}</time>
      </p>
      <Figures run={detail} units={runner.units} />
      {points.length > 1 ? (
        <section aria-labelledby="route-heading">
          <h2 id="route-heading">Route</h2>
          <LazyPart what="map">
            <RouteMap points={points} />
          </LazyPart>
        </section>
      ) : null}
      {series && series.distances.length > 1 ? (
        <section aria-labelledby="charts-heading">
          <h2 id="charts-heading">Charts</h2>
          <LazyPart what="charts">
            <SeriesCharts series={series} units={runner.units} />
          </LazyPart>
        </section>
      ) : null}
      {detail.splits.length > 0 ? <Splits splits={detail.splits} units={runner.units} /> : null}
      {detail.laps.length > 0 ? <Laps laps={detail.laps} units={runner.units} /> : null}
      <EditRun run={detail} />
      <DeleteRun runId={detail.id} />
    </>
  );
}

function Figures({ run, units }: { run: RunDetail; units: Units }): ReactNode {
  const rows: Array<[string, string]> = [
    ["Distance", formatDistance(run.distance_m, units)],
    ["Moving time", formatDuration(run.moving_time_s)],
    ["Elapsed time", formatDuration(run.elapsed_time_s)],
    ["Pace", formatPace(run.average_pace_s_per_km, units)],
  ];
  if (run.elevation_gain_m != null) rows.push(["Elevation gain", `${Math.round(run.elevation_gain_m)} m`]);
  if (run.average_heart_rate != null)
    rows.push(["Average heart rate", `${Math.round(run.average_heart_rate)} bpm`]);
  if (run.max_heart_rate != null) rows.push(["Max heart rate", `${Math.round(run.max_heart_rate)} bpm`]);
  if (run.average_cadence != null) rows.push(["Cadence", `${Math.round(run.average_cadence)} spm`]);
  return (
    <dl className="figures run-figures">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A wide table that may scroll sideways on a phone: reachable by keyboard to scroll it. */
function ScrollingTable({ label, children }: { label: string; children: ReactNode }): ReactNode {
  return (
    <div className="table-wrap" role="group" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

function Splits({ splits, units }: { splits: Split[]; units: Units }): ReactNode {
  return (
    <section aria-labelledby="splits-heading">
      <h2 id="splits-heading">Splits</h2>
      <ScrollingTable label="Splits">
        <table>
          <caption className="visually-hidden">One row per kilometre</caption>
          <TableHead
            columns={["Km", "Time", "Pace", "Elevation", "Heart rate"]}
            numeric={["Time", "Pace", "Elevation", "Heart rate"]}
          />
          <tbody>
            {splits.map((split) => (
              <tr key={split.kilometre}>
                <th scope="row">{split.kilometre}</th>
                <td className="num">{formatDuration(split.moving_s)}</td>
                <td className="num">{formatPace(split.pace_s_per_km, units)}</td>
                <td className="num">
                  {split.elevation_change_m == null
                    ? "–"
                    : `${split.elevation_change_m > 0 ? "+" : ""}${Math.round(split.elevation_change_m)} m`}
                </td>
                <td className="num">
                  {split.average_heart_rate == null ? "–" : `${Math.round(split.average_heart_rate)} bpm`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollingTable>
    </section>
  );
}

function Laps({ laps, units }: { laps: Lap[]; units: Units }): ReactNode {
  return (
    <section aria-labelledby="laps-heading">
      <h2 id="laps-heading">Laps</h2>
      <ScrollingTable label="Laps">
        <table>
          <caption className="visually-hidden">The laps recorded by the watch</caption>
          <TableHead
            columns={["Lap", "Distance", "Time", "Pace", "Heart rate"]}
            numeric={["Distance", "Time", "Pace", "Heart rate"]}
          />
          <tbody>
            {laps.map((lap, i) => (
              <tr key={lap.start_offset_s}>
                <th scope="row">{i + 1}</th>
                <td className="num">{formatDistance(lap.distance_m, units)}</td>
                <td className="num">{formatDuration(lap.elapsed_s)}</td>
                <td className="num">{formatPace(paceFrom(lap.distance_m, lap.elapsed_s), units)}</td>
                <td className="num">
                  {lap.average_heart_rate == null ? "–" : `${Math.round(lap.average_heart_rate)} bpm`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollingTable>
    </section>
  );
}

const MAX_TITLE = 200;

function EditRun({ run }: { run: RunDetail }): ReactNode {
  const queryClient = useQueryClient();
  const [title, setTitle] = useState(run.title);
  const [description, setDescription] = useState(run.description ?? "");
  const form = useForm(
    () =>
      validate({
        title:
          title.trim() === ""
            ? "Give the run a title."
            : title.length > MAX_TITLE
              ? `A title has at most ${MAX_TITLE} characters.`
              : null,
      }),
    () =>
      patchRun(run.id, { title: title.trim(), description: description.trim() === "" ? null : description }),
    (updated) => {
      queryClient.setQueryData(["run", run.id], (old: { run: RunDetail } | undefined) =>
        old ? { ...old, run: updated } : old,
      );
      void queryClient.invalidateQueries({ queryKey: ["runs"] });
      void queryClient.invalidateQueries({ queryKey: ["home"] });
    },
  );
  return (
    <section aria-labelledby="edit-heading">
      <h2 id="edit-heading">Edit run</h2>
      <form noValidate onSubmit={form.onSubmit}>
        <Field
          label="Title"
          name="title"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          error={form.fieldErrors.title}
          maxLength={MAX_TITLE}
          required
        />
        <TextArea
          label="Description"
          name="description"
          rows={4}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          error={form.fieldErrors.description}
        />
        <FormEnd form={form} submit="Save" success="Saved." />
      </form>
    </section>
  );
}

/** Deleting asks once more: the first "Delete run" shows the confirmation, which has its own. */
function DeleteRun({ runId }: { runId: string }): ReactNode {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => deleteRun(runId),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: ["run", runId] });
      void queryClient.invalidateQueries({ queryKey: ["runs"] });
      void queryClient.invalidateQueries({ queryKey: ["home"] });
      void navigate("/runs");
    },
  });
  return (
    <section aria-labelledby="delete-heading" className="danger-zone">
      <h2 id="delete-heading">Delete this run</h2>
      {confirming ? (
        <div role="group" aria-labelledby="delete-question">
          <p id="delete-question">
            Delete this run for good? Its files and figures go too; this cannot be undone.
          </p>
          <FormMessage error={remove.isError ? errorMessage(remove.error) : null} />
          <div className="actions">
            <button
              type="button"
              className="danger"
              onClick={() => remove.mutate()}
              disabled={remove.isPending}
              autoFocus
            >
              Delete run
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Delete run
        </button>
      )}
    </section>
  );
}
