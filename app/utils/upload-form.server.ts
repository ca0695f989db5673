import {
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type UploadHandler,
} from "@remix-run/node";
import { message } from "../i18n/messages";
import { refuseControlCharacters } from "./request.server";
import { MAX_UPLOAD_BYTES, MAX_UPLOAD_MEGABYTES } from "./upload-limits";

// The requirements step's multipart form: one file part (the browser may add a few more); any more parts than that
// is not our form, and each part costs a parse and a FormData entry, so it is refused before they pile up.
const MAX_UPLOAD_FORM_PARTS = 5;
// Parts other than the file are short fields, if any.
const MAX_FIELD_PART_BYTES = 1024;

/** `message` is a message key (app/i18n/messages.ts) the page says in the reader's language, or a text already said so. */
export type UploadForm = { formData: FormData } | { refusal: { status: 400 | 413; message: string } };

/** The upload form's parts in memory (body already capped by request-body.server.ts), or why it was refused. */
export async function readUploadForm(request: Request): Promise<UploadForm> {
  let parts = 0;
  const file = unstable_createMemoryUploadHandler({ maxPartSize: MAX_UPLOAD_BYTES });
  const field = unstable_createMemoryUploadHandler({ maxPartSize: MAX_FIELD_PART_BYTES });
  const handler: UploadHandler = (part) => {
    if (++parts > MAX_UPLOAD_FORM_PARTS) throw new TooManyPartsError();
    return (part.filename === undefined ? field : file)(part);
  };
  let formData: FormData;
  try {
    formData = await unstable_parseMultipartFormData(request, handler);
  } catch (error) {
    if (error instanceof TooManyPartsError) {
      return {
        refusal: {
          status: 400,
          message: message("orders:uploadForm.tooManyParts"),
        },
      };
    }
    if (error instanceof MaxPartSizeExceededError) {
      return {
        refusal: {
          status: 413,
          message: message("orders:uploadForm.tooLarge", { megabytes: MAX_UPLOAD_MEGABYTES }),
        },
      };
    }
    return { refusal: { status: 400, message: message("orders:uploadForm.unreadable") } };
  }
  try {
    await refuseControlCharacters(request, formData);
  } catch (error) {
    // A refusal like the form's others, so that the API answers it in its own error shape too.
    if (!(error instanceof Response)) throw error;
    return { refusal: { status: 400, message: ((await error.json()) as { error: string }).error } };
  }
  return { formData };
}

class TooManyPartsError extends Error {}
