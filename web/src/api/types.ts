/**
 * The shapes the screens use, named once. PROVISIONAL: written from the BFF contract
 * until services/dashboard/openapi.json lands; then each becomes an alias of the
 * generated schema's component.
 */
import type { Units } from "../format/units";

export interface Home {
  place: string;
  latitude?: number | null;
  longitude?: number | null;
}

export interface Profile {
  id: string;
  email: string;
  name: string;
  first_name?: string | null;
  last_name?: string | null;
  birth_year?: number | null;
  sex?: 0 | 1 | 2 | 9 | null;
  weight_kg?: number | null;
  max_heart_rate?: number | null;
  resting_heart_rate?: number | null;
  vo2max?: number | null;
  home?: Home | null;
  units: Units;
  time_zone: string;
  email_preferences: { monthly_report: boolean };
}

export type ProfileChange = Partial<Omit<Profile, "id" | "email">>;

export interface Session {
  csrf_token: string;
  runner: Profile | null;
}

export interface SourceRef {
  source: string;
  source_id: string;
}

export interface RunSummary {
  id: string;
  title: string;
  sport?: string | null;
  started_at: string;
  time_zone?: string | null;
  distance_m: number;
  moving_time_s: number;
  elapsed_time_s: number;
  elevation_gain_m?: number | null;
  average_heart_rate?: number | null;
  max_heart_rate?: number | null;
  average_cadence?: number | null;
  average_speed_mps: number;
  average_pace_s_per_km?: number | null;
  polyline: string;
  sources: SourceRef[];
}

export interface Split {
  kilometre: number;
  distance_m: number;
  elapsed_s: number;
  moving_s: number;
  pace_s_per_km?: number | null;
  elevation_change_m?: number | null;
  average_heart_rate?: number | null;
}

export interface Lap {
  start_offset_s: number;
  elapsed_s: number;
  distance_m: number;
  average_heart_rate?: number | null;
  max_heart_rate?: number | null;
}

export interface RunDetail extends RunSummary {
  description?: string | null;
  splits: Split[];
  laps: Lap[];
  best_efforts: Array<{ name: string; distance_m: number; elapsed_s: number; start_offset_s: number }>;
  has_series: boolean;
}

export interface Series {
  seconds: number[];
  distances: number[];
  latitudes: Array<number | null>;
  longitudes: Array<number | null>;
  elevations: Array<number | null>;
  heart_rates: Array<number | null>;
  cadences: Array<number | null>;
}

export interface Totals {
  start: string;
  count: number;
  distance_m: number;
  moving_time_s: number;
  elevation_gain_m: number;
  average_pace_s_per_km?: number | null;
}

export interface BestEffort {
  name: string;
  distance_m: number;
  elapsed_s: number;
  pace_s_per_km: number;
  run_id: string;
  run_started_at: string;
}

export interface WeekDistance {
  week_start: string;
  distance_m: number;
}

export type Panel<T> = { status: "ok"; data: T } | { status: "unavailable"; message: string };

export interface HomeScreen {
  runner: Profile;
  last_runs: Panel<RunSummary[]>;
  totals: Panel<{ week: Totals; month: Totals }>;
  weekly_distance: Panel<WeekDistance[]>;
  best_efforts: Panel<BestEffort[]>;
}

export interface RunPage {
  runs: RunSummary[];
  next_cursor: string | null;
}

export interface RunScreen {
  run: RunDetail;
  series: Series | null;
}

export type ImportStatus = "created" | "merged" | "already_imported" | "refused";

export interface ImportResult {
  filename: string;
  status: ImportStatus;
  run_id?: string | null;
  reason?: string | null;
}

export interface StravaLink {
  configured: boolean;
  connected: boolean;
  athlete?: Record<string, unknown> | null;
  last_sync_at?: string | null;
  state?: string | null;
}
