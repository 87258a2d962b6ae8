/** A table's header row; the `numeric` columns are right-aligned like their figures. */
import type { ReactNode } from "react";

export function TableHead({ columns, numeric = [] }: { columns: string[]; numeric?: string[] }): ReactNode {
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th key={column} scope="col" className={numeric.includes(column) ? "num" : undefined}>
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}
