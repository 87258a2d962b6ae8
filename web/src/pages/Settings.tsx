import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState, type ReactNode } from "react";
import { useNavigate } from "react-router";

import {
  changeEmail,
  changePassword,
  deleteAccount,
  downloadExport,
  getSettings,
  patchProfile,
} from "../api/bff";
import { errorMessage } from "../api/errors";
import { Loading, replaceSession, updateRunner } from "../api/session";
import type { Profile, ProfileChange } from "../api/types";
import { EmailField, Field, FormEnd, FormMessage, PasswordField, Select } from "../components/Field";
import { useForm } from "../components/useForm";
import { QueryStatus } from "../components/QueryStatus";
import { emailProblem, nameProblem, passwordProblem, validate, type FieldErrors } from "../validation";

// The sections are not named by their headings: "Email address" or "Password" would make
// them match the fields' labels ("Email", "Password") for anyone finding a field by label.
export function Settings(): ReactNode {
  const settings = useQuery({ queryKey: ["settings"], queryFn: getSettings });
  return (
    <>
      <h1>Settings</h1>
      <QueryStatus query={settings} />
      {settings.data ? <ProfileForm profile={settings.data.profile} /> : null}
      {settings.data ? <EmailForm current={settings.data.profile.email} /> : null}
      <PasswordForm />
      <ExportSection />
      <DeleteAccountForm />
    </>
  );
}

/** Saves a file the page holds, as a link to it with a file name would. */
function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the link; the object URL can go once the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function ExportSection(): ReactNode {
  const download = useMutation({
    mutationFn: () => downloadExport(),
    onSuccess: ({ blob, filename }) => saveFile(blob, filename),
  });
  return (
    <section>
      <h2 id="export-heading">Your data</h2>
      <p>
        A zip file with everything Runnerly keeps about you: profile, runs and their original files, Strava
        link.
      </p>
      <button
        type="button"
        className="secondary"
        onClick={() => download.mutate()}
        disabled={download.isPending}
      >
        Download my data
      </button>
      {download.isPending ? <Loading what="Gathering your data from every service…" /> : null}
      <FormMessage error={download.isError ? errorMessage(download.error) : null} />
    </section>
  );
}

/** Every IANA zone the browser knows, with the runner's own even if it does not. */
export function timeZones(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return known.includes(current) ? known : [current, ...known].sort();
}

function heartRateProblem(value: string): string | null {
  if (value === "") return null;
  const n = Number(value);
  return Number.isInteger(n) && n >= 30 && n <= 250
    ? null
    : "Enter a whole number from 30 to 250 beats per minute.";
}

export interface ProfileDraft {
  name: string;
  units: Profile["units"];
  time_zone: string;
  home: string;
  max_heart_rate: string;
  resting_heart_rate: string;
  monthly_report: boolean;
}

export function draftOf(profile: Profile): ProfileDraft {
  return {
    name: profile.name,
    units: profile.units,
    time_zone: profile.time_zone,
    home: profile.home?.place ?? "",
    max_heart_rate: profile.max_heart_rate == null ? "" : String(profile.max_heart_rate),
    resting_heart_rate: profile.resting_heart_rate == null ? "" : String(profile.resting_heart_rate),
    monthly_report: profile.email_preferences.monthly_report,
  };
}

export function checkDraft(draft: ProfileDraft): FieldErrors {
  const errors = validate({
    name: nameProblem(draft.name),
    max_heart_rate: heartRateProblem(draft.max_heart_rate),
    resting_heart_rate: heartRateProblem(draft.resting_heart_rate),
    home: draft.home.length > 200 ? "A place name has at most 200 characters." : null,
  });
  if (
    !errors.max_heart_rate &&
    !errors.resting_heart_rate &&
    draft.max_heart_rate &&
    draft.resting_heart_rate
  ) {
    if (Number(draft.resting_heart_rate) >= Number(draft.max_heart_rate)) {
      errors.resting_heart_rate = "The resting heart rate is below the maximum.";
    }
  }
  return errors;
}

/** Only what changed: a place left as it was keeps its coordinates. */
export function profileChange(profile: Profile, draft: ProfileDraft): ProfileChange {
  const change: ProfileChange = {};
  const before = draftOf(profile);
  if (draft.name.trim() !== before.name) change.name = draft.name.trim();
  if (draft.units !== before.units) change.units = draft.units;
  if (draft.time_zone !== before.time_zone) change.time_zone = draft.time_zone;
  if (draft.home.trim() !== before.home)
    change.home = draft.home.trim() ? { place: draft.home.trim() } : null;
  const hr = (v: string): number | null => (v === "" ? null : Number(v));
  if (draft.max_heart_rate !== before.max_heart_rate) change.max_heart_rate = hr(draft.max_heart_rate);
  if (draft.resting_heart_rate !== before.resting_heart_rate)
    change.resting_heart_rate = hr(draft.resting_heart_rate);
  if (draft.monthly_report !== before.monthly_report)
    change.email_preferences = { monthly_report: draft.monthly_report };
  return change;
}

function ProfileForm({ profile }: { profile: Profile }): ReactNode {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(() => draftOf(profile));
  const zones = useMemo(() => timeZones(profile.time_zone), [profile.time_zone]);
  const set = <K extends keyof ProfileDraft>(key: K, value: ProfileDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const form = useForm(
    () => checkDraft(draft),
    () => patchProfile(profileChange(profile, draft)),
    (updated) => {
      queryClient.setQueryData(["settings"], { profile: updated });
      updateRunner(queryClient, updated);
    },
  );
  const errors = form.fieldErrors;
  return (
    <section>
      <h2 id="profile-heading">Profile</h2>
      <form noValidate onSubmit={form.onSubmit}>
        <Field
          label="Name"
          name="name"
          autoComplete="name"
          value={draft.name}
          onChange={(e) => set("name", e.target.value)}
          error={errors.name}
          required
        />
        <Select
          label="Units"
          name="units"
          value={draft.units}
          onChange={(e) => set("units", e.target.value as Profile["units"])}
          error={errors.units}
        >
          <option value="km">Kilometres</option>
          <option value="miles">Miles</option>
        </Select>
        <Select
          label="Time zone"
          name="time_zone"
          value={draft.time_zone}
          onChange={(e) => set("time_zone", e.target.value)}
          error={errors.time_zone}
        >
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replace(/_/g, " ")}
            </option>
          ))}
        </Select>
        <Field
          label="Home place"
          name="home"
          autoComplete="address-level2"
          value={draft.home}
          onChange={(e) => set("home", e.target.value)}
          error={errors.home ?? errors.place}
          hint="The town or city you run from."
        />
        <Field
          label="Maximum heart rate"
          name="max_heart_rate"
          inputMode="numeric"
          value={draft.max_heart_rate}
          onChange={(e) => set("max_heart_rate", e.target.value)}
          error={errors.max_heart_rate}
          hint="Beats per minute."
        />
        <Field
          label="Resting heart rate"
          name="resting_heart_rate"
          inputMode="numeric"
          value={draft.resting_heart_rate}
          onChange={(e) => set("resting_heart_rate", e.target.value)}
          error={errors.resting_heart_rate}
          hint="Beats per minute."
        />
        <fieldset>
          <legend>Emails</legend>
          <div className="checkbox">
            <input
              id="monthly-report"
              type="checkbox"
              checked={draft.monthly_report}
              onChange={(e) => set("monthly_report", e.target.checked)}
            />
            <label htmlFor="monthly-report">Send me a monthly report</label>
          </div>
        </fieldset>
        <FormEnd form={form} submit="Save" success="Saved." />
      </form>
    </section>
  );
}

function EmailForm({ current }: { current: string }): ReactNode {
  const [email, setEmail] = useState("");
  const form = useForm(
    () =>
      validate({
        email:
          emailProblem(email) ?? (email.trim() === current ? "This is already your email address." : null),
      }),
    () => changeEmail(email.trim()),
  );
  return (
    <section>
      <h2 id="email-heading">Email address</h2>
      <p>
        You log in with <strong>{current}</strong>. We send a link to the new address; the change takes effect
        when you open it.
      </p>
      <form noValidate onSubmit={form.onSubmit}>
        <EmailField value={email} onValue={setEmail} error={form.fieldErrors.email} />
        <FormEnd
          form={form}
          submit="Change email"
          success={`Check ${email.trim()}: the link to confirm it is on its way.`}
        />
      </form>
    </section>
  );
}

function PasswordForm(): ReactNode {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const form = useForm(
    () =>
      validate({
        current_password: current ? null : "Enter your current password.",
        new_password: passwordProblem(next),
      }),
    () => changePassword(current, next),
    () => {
      setCurrent("");
      setNext("");
    },
  );
  return (
    <section>
      <h2 id="password-heading">Password</h2>
      <form noValidate onSubmit={form.onSubmit}>
        <PasswordField
          label="Current password"
          name="current_password"
          value={current}
          onValue={setCurrent}
          error={form.fieldErrors.current_password}
        />
        <PasswordField
          label="New password"
          name="new_password"
          value={next}
          onValue={setNext}
          error={form.fieldErrors.new_password}
          isNew
        />
        <FormEnd form={form} submit="Change password" success="Your password is changed." />
      </form>
    </section>
  );
}

function DeleteAccountForm(): ReactNode {
  const navigate = useNavigate();
  const [password, setPassword] = useState("");
  const form = useForm(
    () => validate({ password: password ? null : "Enter your password to confirm." }),
    () => deleteAccount(password),
    // The landing page forgets the session: doing it here, the route guard would see no
    // runner first and send the browser to Log in instead.
    () => void navigate("/account-deleted", { replace: true }),
  );
  return (
    <section className="danger-zone">
      <h2 id="delete-account-heading">Delete account</h2>
      <p>
        Your account, your runs and everything Runnerly keeps about you are deleted. This cannot be undone.
      </p>
      <form noValidate onSubmit={form.onSubmit}>
        <PasswordField
          label="Password"
          name="password"
          value={password}
          onValue={setPassword}
          error={form.fieldErrors.password}
          hint="Your password again, to confirm."
        />
        <FormEnd form={form} submit="Delete account" danger />
      </form>
    </section>
  );
}

export function AccountDeleted(): ReactNode {
  const queryClient = useQueryClient();
  // The BFF ended the session with the account: no screen may show the runner any more.
  useEffect(() => replaceSession(queryClient, null), [queryClient]);
  return (
    <div className="narrow">
      <h1>Account deleted</h1>
      <p>Your account and your data are gone. Thank you for running with Runnerly.</p>
    </div>
  );
}
