import { useState, type ReactNode } from "react";
import { Link } from "react-router";

import { requestPasswordReset } from "../api/bff";
import { EmailField, FormEnd } from "../components/Field";
import { useForm } from "../components/useForm";
import { emailProblem, validate } from "../validation";

export function ForgotPassword(): ReactNode {
  const [email, setEmail] = useState("");
  const form = useForm(
    () => validate({ email: emailProblem(email) }),
    () => requestPasswordReset(email.trim()),
  );
  return (
    <div className="narrow">
      <h1>Forgot your password?</h1>
      {form.done ? (
        <p role="status" className="success">
          If an account uses {email.trim()}, a link to choose a new password is on its way.
        </p>
      ) : (
        <form noValidate onSubmit={form.onSubmit}>
          <EmailField value={email} onValue={setEmail} error={form.fieldErrors.email} />
          <FormEnd form={form} submit="Send reset link" />
        </form>
      )}
      <p>
        <Link to="/login">Back to log in</Link>
      </p>
    </div>
  );
}
