import type { ReactNode } from "react";
import { Link } from "react-router";

import { activate } from "../api/bff";
import { errorMessage } from "../api/errors";
import { Loading } from "../api/session";
import { useTokenAction } from "../components/useTokenAction";

/** The page the activation email links to: `/activate?token=...`. */
export function Activate(): ReactNode {
  const { token, isSuccess, isError, error } = useTokenAction(activate);
  if (!token) {
    return (
      <div className="narrow">
        <h1>Activation failed</h1>
        <p role="alert" className="error">
          This link has no activation token. Open the link from the email again.
        </p>
      </div>
    );
  }
  if (isSuccess) {
    return (
      <div className="narrow">
        <h1>Account activated</h1>
        <p>Your account is ready.</p>
        <p>
          <Link to="/login">Log in</Link> to start.
        </p>
      </div>
    );
  }
  if (isError) {
    return (
      <div className="narrow">
        <h1>Activation failed</h1>
        <p role="alert" className="error">
          {errorMessage(error)}
        </p>
        <p>
          You can ask for a new link from the <Link to="/login">log in</Link> page.
        </p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1>Activating your account</h1>
      <Loading what="Activating…" />
    </div>
  );
}
