/** The frame of every screen: skip link, header with navigation, and the main region. */
import { useQueryClient, useMutation } from "@tanstack/react-query";
import { useEffect, useRef, type ReactNode } from "react";
import { NavLink, Outlet, useLocation, useNavigate } from "react-router";

import { logOut } from "../api/bff";
import { replaceSession, useSession } from "../api/session";

// The browser journeys find these by name, as a substring: no other link on a screen
// may contain one of them ("All runs" would match "Runs").
const NAV = [
  { to: "/", label: "Home" },
  { to: "/runs", label: "Runs" },
  { to: "/import", label: "Import" },
  { to: "/strava", label: "Strava" },
  { to: "/settings", label: "Settings" },
] as const;

/**
 * After navigating, as a page load would: the document's title names the new screen, and
 * focus moves to its h1 so a keyboard or screen-reader user starts reading there (not on
 * the first load, where the browser starts at the top anyway).
 */
function useAnnounceScreen(): void {
  const location = useLocation();
  const first = useRef(true);
  useEffect(() => {
    const heading = document.querySelector<HTMLElement>("main h1");
    document.title = heading?.textContent ? `${heading.textContent} – Runnerly` : "Runnerly";
    if (first.current) {
      first.current = false;
      return;
    }
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }, [location.pathname]);
}

export function Layout(): ReactNode {
  const { data } = useSession();
  const runner = data?.runner ?? null;
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const logout = useMutation({
    mutationFn: logOut,
    onSettled: () => {
      replaceSession(queryClient, null);
      void navigate("/login");
    },
  });
  useAnnounceScreen();

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <span className="brand">Runnerly</span>
        {/* Visitors get no menu: each account page links where it leads, so the one
            "Log in" link of the activation page is the only one. */}
        {runner ? (
          <nav aria-label="Main">
            <ul>
              {NAV.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.to === "/"}>
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
            <button
              type="button"
              className="link-button"
              onClick={() => logout.mutate()}
              disabled={logout.isPending}
            >
              Log out
            </button>
          </nav>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
