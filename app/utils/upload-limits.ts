// The requirements file's size limit, shared with the browser (the form refuses a larger file before sending it).

export const MAX_UPLOAD_MEGABYTES = 10;
export const MAX_UPLOAD_BYTES = MAX_UPLOAD_MEGABYTES * 1024 * 1024;
