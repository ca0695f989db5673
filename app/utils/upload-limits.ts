// The requirements file's size limit, shared with the browser (the form refuses a larger file before sending it).

export const MAX_UPLOAD_MEGABYTES = 10;
export const MAX_UPLOAD_BYTES = MAX_UPLOAD_MEGABYTES * 1024 * 1024;

/** Defaults of UPLOAD_QUOTA_MB and UPLOAD_READ_TIMEOUT_SECONDS (env.server.ts). */
export const DEFAULT_UPLOAD_QUOTA_MB = 100;
export const DEFAULT_UPLOAD_READ_TIMEOUT_SECONDS = 20;

/** The file of a draft order untouched this long is deleted by the hourly maintenance. */
export const DRAFT_FILE_DAYS = 30;
