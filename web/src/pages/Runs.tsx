import { useInfiniteQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useSearchParams } from "react-router";

import { listRuns, type RunFilter } from "../api/bff";
import { useRunner } from "../api/session";
import { Field } from "../components/Field";
import { RunList } from "../components/RunList";
import { QueryStatus } from "../components/QueryStatus";
import { nextDay, startOfDayIn } from "../format/dates";

const PAGE_SIZE = 20;

/** The date filter as the BFF takes it: from the start of `from` to the end of `to`, in the runner's zone. */
export function runFilter(from: string, to: string, timeZone: string): RunFilter {
  return {
    after: from ? startOfDayIn(from, timeZone) : undefined,
    before: to ? startOfDayIn(nextDay(to), timeZone) : undefined,
  };
}

export function Runs(): ReactNode {
  const runner = useRunner();
  // The filter lives in the address, so a filtered list can be bookmarked and shared.
  const [params, setParams] = useSearchParams();
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const [draftFrom, setDraftFrom] = useState(from);
  const [draftTo, setDraftTo] = useState(to);
  const [filterError, setFilterError] = useState<string | undefined>();

  const runs = useInfiniteQuery({
    queryKey: ["runs", from, to, runner.time_zone],
    queryFn: ({ pageParam }) =>
      listRuns({ ...runFilter(from, to, runner.time_zone), cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const all = runs.data?.pages.flatMap((page) => page.runs) ?? [];

  return (
    <>
      <h1>Runs</h1>
      <form
        className="filters"
        role="search"
        aria-label="Filter runs by date"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (draftFrom && draftTo && draftFrom > draftTo) {
            setFilterError("The end date is before the start date.");
            return;
          }
          setFilterError(undefined);
          const next = new URLSearchParams();
          if (draftFrom) next.set("from", draftFrom);
          if (draftTo) next.set("to", draftTo);
          setParams(next);
        }}
      >
        <Field
          label="From"
          type="date"
          name="from"
          value={draftFrom}
          onChange={(e) => setDraftFrom(e.target.value)}
        />
        <Field
          label="To"
          type="date"
          name="to"
          value={draftTo}
          onChange={(e) => setDraftTo(e.target.value)}
          error={filterError}
        />
        <div className="filter-actions">
          <button type="submit">Filter</button>
          {from || to ? (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setDraftFrom("");
                setDraftTo("");
                setFilterError(undefined);
                setParams(new URLSearchParams());
              }}
            >
              Clear filter
            </button>
          ) : null}
        </div>
      </form>
      <QueryStatus query={runs} />
      {runs.data ? (
        <RunList
          runs={all}
          units={runner.units}
          timeZone={runner.time_zone}
          caption={from || to ? "Your runs in the chosen dates, newest first" : "Your runs, newest first"}
        />
      ) : null}
      {runs.hasNextPage ? (
        <button
          type="button"
          className="secondary"
          onClick={() => void runs.fetchNextPage()}
          disabled={runs.isFetchingNextPage}
        >
          {runs.isFetchingNextPage ? "Loading more runs…" : "Load more runs"}
        </button>
      ) : null}
    </>
  );
}
