/** A screen's loading line, or its error, while its query has no data to show. */
import type { ReactNode } from "react";

import { errorMessage } from "../api/errors";
import { Loading } from "../api/session";

export function QueryStatus({
  query,
}: {
  query: { isPending: boolean; isError: boolean; error: unknown };
}): ReactNode {
  if (query.isPending) return <Loading />;
  if (query.isError) {
    return (
      <p role="alert" className="error">
        {errorMessage(query.error)}
      </p>
    );
  }
  return null;
}
