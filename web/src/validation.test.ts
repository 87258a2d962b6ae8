// @vitest-environment node
import { describe, expect, it } from "vitest";

import { emailProblem, nameProblem, passwordProblem, validate } from "./validation";

describe("client-side checks", () => {
  it("refuses malformed email addresses and takes ordinary ones", () => {
    expect(emailProblem("")).toBe("Enter your email address.");
    for (const bad of ["runner", "runner@", "@example.com", "run ner@example.com", "runner@example"]) {
      expect(emailProblem(bad)).toBe("Enter an email address like name@example.com.");
    }
    expect(emailProblem("ana.runner+tag@example.co.uk")).toBeNull();
  });

  it("asks for 8 to 128 characters in a password, as the users service does", () => {
    expect(passwordProblem("1234567")).toBe("A password has 8 to 128 characters.");
    expect(passwordProblem("x".repeat(129))).toBe("A password has 8 to 128 characters.");
    expect(passwordProblem("correct horse")).toBeNull();
  });

  it("asks for a name", () => {
    expect(nameProblem("  ")).toBe("Enter your name.");
    expect(nameProblem("Ana")).toBeNull();
  });

  it("keeps only the fields with a problem", () => {
    expect(validate({ email: "bad", password: null })).toEqual({ email: "bad" });
  });
});
