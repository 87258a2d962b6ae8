/**
 * The checks the browser makes before sending a form. They repeat the users service's
 * rules (services/users: credentials.py, profiles/schemas.py) so a mistake is shown at
 * once; the service still decides, and its field errors are shown the same way.
 */

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;
export const MAX_NAME_LENGTH = 100;

// One "@", something before it, a dot in the domain, no spaces: what a person can mistype.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function emailProblem(email: string): string | null {
  if (email.trim() === "") return "Enter your email address.";
  if (!EMAIL.test(email.trim()) || email.length > 320) {
    return "Enter an email address like name@example.com.";
  }
  return null;
}

export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    return `A password has ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`;
  }
  return null;
}

export function nameProblem(name: string): string | null {
  if (name.trim() === "") return "Enter your name.";
  if (name.length > MAX_NAME_LENGTH) return `A name has at most ${MAX_NAME_LENGTH} characters.`;
  return null;
}

export type FieldErrors = Record<string, string>;

/** Runs each field's check and keeps the problems found, by field name. */
export function validate(checks: Record<string, string | null>): FieldErrors {
  const errors: FieldErrors = {};
  for (const [field, problem] of Object.entries(checks)) {
    if (problem) errors[field] = problem;
  }
  return errors;
}
