/** Dates and times shown in the runner's own IANA time zone, whatever the browser's. */

const LOCALE = "en-GB";

/** "Tue 1 Dec 2026, 07:15" for an instant, in `timeZone`. */
export function formatDateTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat(LOCALE, {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(iso));
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("weekday")} ${get("day")} ${get("month")} ${get("year")}, ${get("hour")}:${get("minute")}`;
}

/** "1 Dec 2026" for an instant, in `timeZone`. */
export function formatDate(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALE, {
    timeZone,
    day: "numeric",
    month: "short",
    year: "numeric",
  }).format(new Date(iso));
}

/** "30 Nov" for a calendar date ("2026-11-30"): no time zone applies to a date. */
export function formatCalendarDay(isoDate: string): string {
  return new Intl.DateTimeFormat(LOCALE, { timeZone: "UTC", day: "numeric", month: "short" }).format(
    new Date(`${isoDate}T00:00:00Z`),
  );
}

/** The calendar date ("2026-12-01") of an instant in `timeZone`. */
export function calendarDate(iso: string | Date, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(typeof iso === "string" ? new Date(iso) : iso);
}

/** The offset of `timeZone` from UTC at `instant`, in minutes (east positive). */
function offsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(instant);
  const n = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

/**
 * The instant a calendar day ("2026-03-29") starts in `timeZone`, as an ISO string
 * with its offset ("2026-03-29T00:00:00+01:00"): what the runner means by "from that day".
 */
export function startOfDayIn(isoDate: string, timeZone: string): string {
  const midnightUtc = new Date(`${isoDate}T00:00:00Z`);
  // The offset at UTC midnight may differ from the one at local midnight around a
  // change of clocks: one correction with the offset found settles it.
  let offset = offsetMinutes(midnightUtc, timeZone);
  offset = offsetMinutes(new Date(midnightUtc.getTime() - offset * 60000), timeZone);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${isoDate}T00:00:00${sign}${hh}:${mm}`;
}

/** The day after a calendar date. */
export function nextDay(isoDate: string): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
