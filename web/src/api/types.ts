/**
 * The shapes the screens use, named once: each is the BFF's own schema, from the client
 * generated from services/dashboard/openapi.json (so a changed contract fails the build).
 */
import type { components } from "./schema.gen";

type Schemas = components["schemas"];

export type Profile = Schemas["Profile"];
export type ProfileChange = Schemas["ProfileChange"];
export type Session = Schemas["SessionState"];
export type RunSummary = Schemas["RunSummary"];
export type RunDetail = Schemas["RunDetail"];
export type Split = Schemas["Split"];
export type Lap = Schemas["Lap"];
export type Series = Schemas["Series"];
export type Totals = Schemas["Totals"];
export type BestEffort = Schemas["BestEffort"];
export type WeekDistance = Schemas["WeekDistance"];
export type HomeScreen = Schemas["HomeScreen"];
export type RunPage = Schemas["RunsPage"];
export type RunScreen = Schemas["RunScreen"];
export type ImportResult = Schemas["ImportResult"];
export type ImportStatus = ImportResult["status"];
export type StravaLink = Schemas["StravaScreen"];

/** A part of a screen that may be unavailable while the rest shows (`status` tells which). */
export type Panel<T> = { status: "ok"; data: T } | Schemas["Unavailable"];
