// @vitest-environment node
import { describe, expect, it } from "vitest";

import { aProfile } from "../test/fixtures";
import { checkDraft, draftOf, profileChange, timeZones } from "./Settings";

const profile = aProfile({ home: { place: "Lyon", latitude: 45.76, longitude: 4.84 }, max_heart_rate: 190 });

describe("the profile form", () => {
  it("sends only what changed", () => {
    const draft = { ...draftOf(profile), units: "miles" as const, resting_heart_rate: "48" };
    expect(profileChange(profile, draft)).toEqual({ units: "miles", resting_heart_rate: 48 });
    expect(profileChange(profile, draftOf(profile))).toEqual({});
  });

  it("sends a new home place without the old place's coordinates, and clears an emptied one", () => {
    expect(profileChange(profile, { ...draftOf(profile), home: " Paris " })).toEqual({
      home: { place: "Paris" },
    });
    expect(profileChange(profile, { ...draftOf(profile), home: "" })).toEqual({ home: null });
    expect(profileChange(profile, { ...draftOf(profile), max_heart_rate: "" })).toEqual({
      max_heart_rate: null,
    });
  });

  it("checks heart rates as the users service does (whole numbers, 30 to 250) and that resting is below max", () => {
    const bad = checkDraft({ ...draftOf(profile), max_heart_rate: "300", resting_heart_rate: "12.5" });
    expect(bad.max_heart_rate).toBe("Enter a whole number from 30 to 250 beats per minute.");
    expect(bad.resting_heart_rate).toBe("Enter a whole number from 30 to 250 beats per minute.");
    expect(checkDraft({ ...draftOf(profile), resting_heart_rate: "195" }).resting_heart_rate).toBe(
      "The resting heart rate is below the maximum.",
    );
    expect(checkDraft({ ...draftOf(profile), name: "" }).name).toBe("Enter your name.");
    expect(checkDraft(draftOf(profile))).toEqual({});
  });

  it("offers every IANA zone, with the runner's own even when the browser lacks it", () => {
    expect(timeZones("Europe/Paris")).toContain("America/New_York");
    expect(timeZones("Etc/Unknown_Zone")).toContain("Etc/Unknown_Zone");
  });
});
