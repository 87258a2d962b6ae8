import { useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Link } from "react-router";

import { logIn, resendActivation } from "../api/bff";
import { ApiError } from "../api/errors";
import { replaceSession } from "../api/session";
import { EmailField, FormEnd, FormMessage, PasswordField } from "../components/Field";
import { useForm } from "../components/useForm";
import { emailProblem, validate } from "../validation";

export function LogIn(): ReactNode {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [resent, setResent] = useState<string | null>(null);
  const form = useForm(
    () => validate({ email: emailProblem(email), password: password ? null : "Enter your password." }),
    () => logIn(email.trim(), password),
    // The session now has a runner: the visitors-only route sends them on.
    (session) => replaceSession(queryClient, session),
  );
  // The server's code, not its words, tells that the account is not activated yet.
  const inactive = form.error instanceof ApiError && form.error.code === "account_inactive";

  return (
    <div className="narrow">
      <h1>Log in</h1>
      <form
        noValidate
        onSubmit={(event) => {
          setResent(null);
          form.onSubmit(event);
        }}
      >
        <EmailField value={email} onValue={setEmail} error={form.fieldErrors.email} />
        <PasswordField
          label="Password"
          name="password"
          value={password}
          onValue={setPassword}
          error={form.fieldErrors.password}
        />
        <FormEnd form={form} submit="Log in" />
      </form>
      {inactive ? (
        <>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              void resendActivation(email.trim()).then(
                () => setResent("If the account is waiting for activation, a new link is on its way."),
                () => setResent("The link could not be sent; please try again later."),
              );
            }}
          >
            Send the activation link again
          </button>
          <FormMessage success={resent} />
        </>
      ) : null}
      <p>
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p>
        New to Runnerly? <Link to="/signup">Create an account</Link>
      </p>
    </div>
  );
}
