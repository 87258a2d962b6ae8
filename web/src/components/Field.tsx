/** A labelled form control with its error next to it (aria-describedby, aria-invalid). */
import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from "react";

import { MIN_PASSWORD_LENGTH } from "../validation";

interface Common {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
}

function useDescribed(error?: string, hint?: string) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  const extra = (
    <>
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </>
  );
  return { id, describedBy, extra };
}

export function Field({
  label,
  error,
  hint,
  ...input
}: Common & InputHTMLAttributes<HTMLInputElement>): ReactNode {
  const { id, describedBy, extra } = useDescribed(error, hint);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {extra}
    </div>
  );
}

export function TextArea({
  label,
  error,
  hint,
  ...input
}: Common & TextareaHTMLAttributes<HTMLTextAreaElement>): ReactNode {
  const { id, describedBy, extra } = useDescribed(error, hint);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {extra}
    </div>
  );
}

export function Select({
  label,
  error,
  hint,
  children,
  ...select
}: Common & SelectHTMLAttributes<HTMLSelectElement>): ReactNode {
  const { id, describedBy, extra } = useDescribed(error, hint);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...select}>
        {children}
      </select>
      {extra}
    </div>
  );
}

/** A form-wide message (success or failure) announced to screen readers. */
export function FormMessage({
  error,
  success,
}: {
  error?: string | null;
  success?: string | null;
}): ReactNode {
  if (error) {
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  }
  if (success) {
    return (
      <p role="status" className="success">
        {success}
      </p>
    );
  }
  return null;
}

/** The end of a form: its message (the server's refusal, or `success` once done) and its button. */
export function FormEnd({
  form,
  submit,
  success,
  danger = false,
  disabled = false,
}: {
  form: { formError: string | null; pending: boolean; done: boolean };
  submit: string;
  success?: string;
  danger?: boolean;
  disabled?: boolean;
}): ReactNode {
  return (
    <>
      <FormMessage error={form.formError} success={form.done ? success : null} />
      <button type="submit" className={danger ? "danger" : undefined} disabled={form.pending || disabled}>
        {submit}
      </button>
    </>
  );
}

interface ValueProps {
  value: string;
  onValue: (value: string) => void;
  error?: string | undefined;
}

/** The email address field every account form has. */
export function EmailField({ value, onValue, error }: ValueProps): ReactNode {
  return (
    <Field
      label="Email"
      type="email"
      name="email"
      autoComplete="email"
      value={value}
      onChange={(e) => onValue(e.target.value)}
      error={error}
      required
    />
  );
}

/**
 * A password field: the runner's own (`current-password`), or one being chosen (`isNew`),
 * which shows the users service's length rule before it is broken.
 */
export function PasswordField({
  label,
  name,
  value,
  onValue,
  error,
  hint,
  isNew = false,
}: ValueProps & { label: string; name: string; hint?: string; isNew?: boolean }): ReactNode {
  return (
    <Field
      label={label}
      type="password"
      name={name}
      autoComplete={isNew ? "new-password" : "current-password"}
      hint={isNew ? `At least ${MIN_PASSWORD_LENGTH} characters.` : hint}
      value={value}
      onChange={(e) => onValue(e.target.value)}
      error={error}
      required
    />
  );
}
