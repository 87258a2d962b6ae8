import { useState, type ReactNode } from "react";
import { Link, useSearchParams } from "react-router";

import { confirmPasswordReset } from "../api/bff";
import { Field, FormMessage } from "../components/Field";
import { useForm } from "../components/useForm";
import { MIN_PASSWORD_LENGTH, passwordProblem, validate } from "../validation";

/** The page the password-reset email links to: `/reset-password?token=...`. */
export function ResetPassword(): ReactNode {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [password, setPassword] = useState("");
  const form = useForm(
    // The server reports a bad token on the password's form; no field shows it.
    () => validate({ password: passwordProblem(password) }),
    () => confirmPasswordReset(token, password),
  );
  return (
    <div className="narrow">
      <h1>Choose a new password</h1>
      {form.done ? (
        <>
          <p role="status" className="success">
            Your password is changed.
          </p>
          <p>
            <Link to="/login">Log in</Link> with it.
          </p>
        </>
      ) : (
        <form noValidate onSubmit={form.onSubmit}>
          <Field
            label="New password"
            type="password"
            name="password"
            autoComplete="new-password"
            hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={form.fieldErrors.password}
            required
          />
          <FormMessage error={token ? form.formError : "This link has no token. Open the link from the email again."} />
          <button type="submit" disabled={form.pending || !token}>
            Set new password
          </button>
        </form>
      )}
    </div>
  );
}
