// Limits of a customer's reference file (the order wizard's own sources), shared by the page and the body cap.

/** The largest reference file read (bytes); a library export of a few hundred entries is far below. */
export const REFERENCES_MAX_BYTES = 1024 * 1024;
/** The most entries one order takes: each is looked up in the indexes and assigned to a section. */
export const REFERENCES_MAX_ENTRIES = 100;
