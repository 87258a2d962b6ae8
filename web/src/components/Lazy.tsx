/** Charts and the map are separate chunks, fetched when a run's page needs them. */
import { Component, Suspense, lazy, type ReactNode } from "react";

import { Loading } from "../api/session";

export const SeriesCharts = lazy(() => import("../charts/SeriesCharts"));
export const RouteMap = lazy(() => import("../map/RouteMap"));

/** A chunk that fails to load (or a canvas that cannot draw) costs its part, not the page. */
class PartBoundary extends Component<{ what: string; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render(): ReactNode {
    if (this.state.failed) {
      return (
        <p role="status" className="muted">
          The {this.props.what} could not be shown.
        </p>
      );
    }
    return this.props.children;
  }
}

export function LazyPart({ what, children }: { what: string; children: ReactNode }): ReactNode {
  return (
    <PartBoundary what={what}>
      <Suspense fallback={<Loading what={`Loading the ${what}…`} />}>{children}</Suspense>
    </PartBoundary>
  );
}
