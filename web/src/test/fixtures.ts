/** Complete BFF shapes for tests, each field as the schema has it; override what a test is about. */
import type { Profile, RunDetail, RunSummary } from "../api/types";

export function aProfile(overrides: Partial<Profile> = {}): Profile {
  return {
    id: "u1",
    email: "ana@example.com",
    name: "Ana",
    first_name: null,
    last_name: null,
    birth_year: null,
    sex: null,
    weight_kg: null,
    max_heart_rate: null,
    resting_heart_rate: null,
    vo2max: null,
    home: null,
    units: "km",
    time_zone: "Europe/Paris",
    email_preferences: { monthly_report: true },
    ...overrides,
  };
}

export function aRun(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    id: "r1",
    title: "Morning run",
    sport: "running",
    started_at: "2026-12-01T06:00:00Z",
    time_zone: "Europe/Paris",
    distance_m: 10_000,
    moving_time_s: 3000,
    elapsed_time_s: 3100,
    elevation_gain_m: null,
    average_heart_rate: null,
    max_heart_rate: null,
    average_cadence: null,
    average_speed_mps: 3.33,
    average_pace_s_per_km: 300,
    polyline: "",
    sources: [{ source: "gpx", source_id: "abc" }],
    ...overrides,
  };
}

export function aRunDetail(overrides: Partial<RunDetail> = {}): RunDetail {
  return {
    ...aRun(),
    description: null,
    splits: [],
    laps: [],
    best_efforts: [],
    has_series: false,
    source_details: [],
    created_at: "2026-12-01T08:00:00Z",
    updated_at: "2026-12-01T08:00:00Z",
    ...overrides,
  };
}
