// @vitest-environment node
import { describe, expect, it } from "vitest";

import { ApiError, errorMessage, toApiError } from "./errors";

describe("reading the kit's error envelope", () => {
  it("names each field from the details' location, body prefix or not", () => {
    const error = toApiError(422, {
      error: {
        code: "invalid_input",
        message: "The request is not valid.",
        details: [
          { location: ["body", "email"], message: "value is not a valid email address", type: "value_error" },
          { location: ["password"] },
          { location: ["body", "home", "place"], message: "String should have at least 1 character" },
          { location: ["body", "email"], message: "a second message for the same field" },
        ],
      },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe("invalid_input");
    expect(error.fieldErrors()).toEqual({
      email: "value is not a valid email address",
      password: "The request is not valid.",
      place: "String should have at least 1 character",
    });
  });

  it("has no field errors without details", () => {
    expect(
      toApiError(401, { error: { code: "invalid_credentials", message: "Wrong." } }).fieldErrors(),
    ).toEqual({});
  });

  it("still says something when the body is not an envelope", () => {
    expect(toApiError(413, "<html>").message).toBe("The upload is too large.");
    expect(toApiError(502, null).message).toBe("The server answered 502. Please try again.");
    expect(errorMessage(new TypeError("fetch failed"))).toBe(
      "The server could not be reached. Check your connection.",
    );
  });
});
