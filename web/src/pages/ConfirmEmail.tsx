import type { ReactNode } from "react";
import { Link } from "react-router";

import { confirmEmailChange } from "../api/bff";
import { errorMessage } from "../api/errors";
import { Loading } from "../api/session";
import { useTokenAction } from "../components/useTokenAction";

/** The page the email-change email links to: `/confirm-email?token=...`. */
export function ConfirmEmail(): ReactNode {
  const { token, isSuccess, isError, error } = useTokenAction(confirmEmailChange);
  if (isSuccess) {
    return (
      <div className="narrow">
        <h1>Email address changed</h1>
        <p>From now on, log in with your new email address.</p>
        <p>
          <Link to="/">Go to Runnerly</Link>
        </p>
      </div>
    );
  }
  if (isError || !token) {
    return (
      <div className="narrow">
        <h1>Email change failed</h1>
        <p role="alert" className="error">
          {token ? errorMessage(error) : "This link has no token. Open the link from the email again."}
        </p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1>Confirming your new email address</h1>
      <Loading what="Confirming…" />
    </div>
  );
}
