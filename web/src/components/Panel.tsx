/** One independent part of a screen: its data, or "unavailable" when its service was not. */
import type { ReactNode } from "react";

import type { Panel as PanelData } from "../api/types";

export function Panel<T>({
  label,
  panel,
  children,
}: {
  label: string;
  panel: PanelData<T>;
  children: (data: T) => ReactNode;
}): ReactNode {
  return (
    <section aria-label={label} className="panel">
      <h2>{label}</h2>
      {panel.status === "ok" ? (
        children(panel.data)
      ) : (
        <p className="unavailable" role="status">
          <strong>unavailable</strong>: {panel.message}
        </p>
      )}
    </section>
  );
}
