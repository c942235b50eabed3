/** The one error type kbsearch throws at its users, with a stable code and the CLI's exit code. */

export type ErrorCode =
  | "usage" // a bad command line or option
  | "index-missing" // no index where one was expected
  | "index-corrupt" // the file is not a kbsearch index, or is damaged
  | "index-version" // an index written by another format or analyzer version
  | "source" // the articles to index could not be read
  | "build" // the build could not finish (nothing usable, disk full)
  | "index-busy"; // another build is writing the same index folder

const EXIT_CODES: Record<ErrorCode, number> = {
  usage: 2,
  "index-missing": 3,
  "index-corrupt": 3,
  "index-version": 3,
  source: 4,
  build: 4,
  "index-busy": 5,
};

export class KbSearchError extends Error {
  readonly exitCode: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "KbSearchError";
    this.exitCode = EXIT_CODES[code];
  }
}
