/**
 * The app's routes. A later service adds a screen here: a route element under
 * <RequireRunner> (or the visitors' group) and a function in api/bff.ts for its BFF call.
 */
import type { ReactNode } from "react";
import { Link, Route, Routes } from "react-router";

import { RequireRunner, VisitorsOnly } from "./api/session";
import { Layout } from "./components/Layout";
import { Activate } from "./pages/Activate";
import { ConfirmEmail } from "./pages/ConfirmEmail";
import { ForgotPassword } from "./pages/ForgotPassword";
import { Home } from "./pages/Home";
import { ImportScreen } from "./pages/Import";
import { LogIn } from "./pages/LogIn";
import { ResetPassword } from "./pages/ResetPassword";
import { Run } from "./pages/Run";
import { Runs } from "./pages/Runs";
import { AccountDeleted, Settings } from "./pages/Settings";
import { SignUp } from "./pages/SignUp";
import { Strava } from "./pages/Strava";

function NotFound(): ReactNode {
  return (
    <div className="narrow">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link to="/">Go to the home screen</Link>.
      </p>
    </div>
  );
}

export function AppRoutes(): ReactNode {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route element={<VisitorsOnly />}>
          <Route path="login" element={<LogIn />} />
          <Route path="signup" element={<SignUp />} />
          <Route path="forgot-password" element={<ForgotPassword />} />
        </Route>
        {/* The pages emails link to work logged in or not. */}
        <Route path="activate" element={<Activate />} />
        <Route path="reset-password" element={<ResetPassword />} />
        <Route path="confirm-email" element={<ConfirmEmail />} />
        <Route path="account-deleted" element={<AccountDeleted />} />
        <Route element={<RequireRunner />}>
          <Route index element={<Home />} />
          <Route path="runs" element={<Runs />} />
          <Route path="runs/:runId" element={<Run />} />
          <Route path="import" element={<ImportScreen />} />
          <Route path="strava" element={<Strava />} />
          <Route path="settings" element={<Settings />} />
        </Route>
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
