/** Exit codes beside the error ones (KbSearchError carries those): documented in the README. */
export const EXIT_FOUND = 0;
export const EXIT_NOTHING_FOUND = 1;
