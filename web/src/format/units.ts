/** Distances, paces and durations in the runner's units (km or miles). */

export type Units = "km" | "miles";

export const METRES_PER_MILE = 1609.344;

/** Metres in one unit of distance. */
export function unitLength(units: Units): number {
  return units === "miles" ? METRES_PER_MILE : 1000;
}

/** The short suffix of a unit of distance: "km" or "mi". */
export function unitLabel(units: Units): string {
  return units === "miles" ? "mi" : "km";
}

/** A distance in the runner's unit, two decimals: "10.00 km", "6.21 mi". */
export function formatDistance(metres: number, units: Units): string {
  return `${(metres / unitLength(units)).toFixed(2)} ${unitLabel(units)}`;
}

/** Whole seconds as "m:ss" under an hour, "h:mm:ss" from an hour on. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** Seconds per kilometre converted to seconds per the runner's unit. */
export function pacePerUnit(secondsPerKm: number, units: Units): number {
  return (secondsPerKm * unitLength(units)) / 1000;
}

/**
 * A pace given in seconds per kilometre, shown per the runner's unit: "5:00 /km",
 * "8:03 /mi"; "–" when there is none (a run that did not move).
 */
export function formatPace(secondsPerKm: number | null | undefined, units: Units): string {
  if (secondsPerKm == null || !Number.isFinite(secondsPerKm) || secondsPerKm <= 0) return "–";
  return `${formatDuration(pacePerUnit(secondsPerKm, units))} /${unitLabel(units)}`;
}

/** Pace (s/km) from a distance and a time; null when nothing was covered. */
export function paceFrom(distanceM: number, seconds: number): number | null {
  return distanceM > 0 ? seconds / (distanceM / 1000) : null;
}
