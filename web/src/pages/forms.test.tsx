import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { serveBff } from "../test/bff";
import { renderScreen } from "../test/render";
import { envelope } from "../test/server";
import { LogIn } from "./LogIn";
import { SignUp } from "./SignUp";

/** The message shown for a field: the element its control's aria-describedby names. */
function messageFor(control: HTMLElement): string {
  const ids = (control.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
  return ids.map((id) => document.getElementById(id)?.textContent ?? "").join(" ");
}

describe("the sign-up form", () => {
  it("shows a malformed email and a short password next to their fields and sends nothing", async () => {
    const { received } = await serveBff(() => ({ status: 202 }));
    const user = userEvent.setup();
    renderScreen(<SignUp />, { route: "/signup" });
    await user.type(screen.getByLabelText("Name"), "Ana");
    await user.type(screen.getByLabelText("Email"), "ana@example");
    await user.type(screen.getByLabelText("Password"), "short");
    await user.click(screen.getByRole("button", { name: "Sign up" }));

    const email = screen.getByLabelText("Email");
    expect(email).toHaveAttribute("aria-invalid", "true");
    expect(messageFor(email)).toBe("Enter an email address like name@example.com.");
    const password = screen.getByLabelText("Password");
    expect(password).toHaveAttribute("aria-invalid", "true");
    expect(messageFor(password)).toContain("A password has 8 to 128 characters.");
    expect(screen.getByLabelText("Name")).not.toHaveAttribute("aria-invalid");
    // The first field to correct has the focus.
    expect(email).toHaveFocus();
    expect(received).toHaveLength(0);
  });

  it("shows the server's field error next to its field", async () => {
    const { received } = await serveBff(() =>
      envelope(422, "weak_password", "This password is too common; choose another.", [
        { location: ["password"] },
      ]),
    );
    const user = userEvent.setup();
    renderScreen(<SignUp />, { route: "/signup" });
    await user.type(screen.getByLabelText("Name"), "Ana");
    await user.type(screen.getByLabelText("Email"), "ana@example.com");
    await user.type(screen.getByLabelText("Password"), "password1");
    await user.click(screen.getByRole("button", { name: "Sign up" }));

    const password = screen.getByLabelText("Password");
    await waitFor(() => expect(password).toHaveAttribute("aria-invalid", "true"));
    expect(messageFor(password)).toContain("This password is too common; choose another.");
    expect(password).toHaveFocus();
    // Said once, next to the field, not again above the button.
    expect(screen.queryByRole("alert")).toBeNull();
    const signUp = received.find((r) => r.path === "/bff/v1/accounts");
    expect(signUp?.method).toBe("POST");
    expect(signUp?.headers["x-csrf-token"]).toBe("t");
    expect(JSON.parse(signUp?.body ?? "{}")).toEqual({
      name: "Ana",
      email: "ana@example.com",
      password: "password1",
    });
  });

  it("tells the runner to check their email once the account is created", async () => {
    await serveBff(() => ({ status: 202 }));
    const user = userEvent.setup();
    renderScreen(<SignUp />, { route: "/signup" });
    await user.type(screen.getByLabelText("Name"), "Ana");
    await user.type(screen.getByLabelText("Email"), "ana@example.com");
    await user.type(screen.getByLabelText("Password"), "a long enough password");
    await user.click(screen.getByRole("button", { name: "Sign up" }));
    expect(await screen.findByRole("status")).toHaveTextContent(
      "Check your email: we sent a link to ana@example.com",
    );
  });
});

describe("the log-in form", () => {
  it("says why a login was refused, and offers a new activation link to an inactive account", async () => {
    const { received } = await serveBff((request) =>
      request.path === "/bff/v1/session"
        ? envelope(403, "account_inactive", "Activate your account first: open the link we emailed you.")
        : { status: 202 },
    );
    const user = userEvent.setup();
    renderScreen(<LogIn />, { route: "/login" });
    await user.type(screen.getByLabelText("Email"), "ana@example.com");
    await user.type(screen.getByLabelText("Password"), "a long enough password");
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Activate your account first");
    await user.click(screen.getByRole("button", { name: "Send the activation link again" }));
    expect(await screen.findByRole("status")).toHaveTextContent("a new link is on its way");
    const resend = received.find((r) => r.path === "/bff/v1/activations/resend");
    expect(JSON.parse(resend?.body ?? "{}")).toEqual({ email: "ana@example.com" });
  });

  it("asks for the email and password before sending", async () => {
    const { received } = await serveBff(() => ({ status: 200 }));
    const user = userEvent.setup();
    renderScreen(<LogIn />, { route: "/login" });
    await user.click(screen.getByRole("button", { name: "Log in" }));
    expect(messageFor(screen.getByLabelText("Email"))).toBe("Enter your email address.");
    expect(messageFor(screen.getByLabelText("Password"))).toBe("Enter your password.");
    expect(received).toHaveLength(0);
  });
});
