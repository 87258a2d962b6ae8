/** The kit's JSON error envelope, read once here so every screen shows errors alike. */

export interface ErrorDetail {
  location?: Array<string | number>;
  message?: string;
  type?: string;
}

export interface ErrorEnvelope {
  error: { code: string; message: string; details?: unknown };
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The message for each field the details name (`location`'s last name), first one wins. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    if (!Array.isArray(this.details)) return out;
    for (const item of this.details as ErrorDetail[]) {
      const names = (item?.location ?? []).filter((p): p is string => typeof p === "string");
      const field = names.filter((n) => n !== "body" && n !== "query").at(-1);
      if (field && !(field in out)) out[field] = item.message ?? this.message;
    }
    return out;
  }
}

function isEnvelope(body: unknown): body is ErrorEnvelope {
  if (typeof body !== "object" || body === null || !("error" in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === "object" && error !== null && "code" in error && "message" in error;
}

/** An ApiError from a response's status and parsed body (whatever shape it has). */
export function toApiError(status: number, body: unknown): ApiError {
  if (isEnvelope(body)) {
    return new ApiError(status, body.error.code, body.error.message, body.error.details);
  }
  if (status === 413) return new ApiError(status, "payload_too_large", "The upload is too large.");
  return new ApiError(status, "error", `The server answered ${status}. Please try again.`);
}

/** Words for any error a call may throw (a network failure is not an ApiError). */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return "The server could not be reached. Check your connection.";
  return error instanceof Error ? error.message : "Something went wrong.";
}
