import { useState, type ReactNode } from "react";
import { Link, useSearchParams } from "react-router";

import { confirmPasswordReset } from "../api/bff";
import { FormEnd, FormMessage, PasswordField } from "../components/Field";
import { useForm } from "../components/useForm";
import { passwordProblem, validate } from "../validation";

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
          <PasswordField
            label="New password"
            name="password"
            value={password}
            onValue={setPassword}
            error={form.fieldErrors.password}
            isNew
          />
          {token ? null : <FormMessage error="This link has no token. Open the link from the email again." />}
          <FormEnd form={form} submit="Set new password" disabled={!token} />
        </form>
      )}
    </div>
  );
}
