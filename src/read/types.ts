/** One file handed on by a source: its path inside the source and its text. */
export interface SourceEntry {
  /** Path as the source names it, e.g. `kbarchive-master/kb/149/Q149387/README.md`. */
  path: string;
  /** The file decoded as UTF-8 (invalid bytes become U+FFFD). */
  text: string;
  /** Size of the file in bytes, as read. */
  bytes: number;
}

/** An entry the reader could not hand on, with the reason: reported, never fatal. */
export interface SkippedEntry {
  path: string;
  reason: string;
}

/** Called for each entry skipped while reading. */
export type SkipReporter = (skipped: SkippedEntry) => void;

/** Called with the number of compressed/raw bytes consumed so far, and the total when known. */
export type ProgressReporter = (bytesRead: number, totalBytes: number | undefined) => void;
