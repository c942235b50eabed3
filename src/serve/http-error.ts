/** An answer other than 200 that a request earned: its status and what to tell the client, as JSON. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Extra response headers (Allow on a 405, Retry-After on a 503). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** The body of every error answer: `{"error": "...", "status": 400}`. */
export function errorBody(status: number, message: string): string {
  return JSON.stringify({ error: message, status });
}
