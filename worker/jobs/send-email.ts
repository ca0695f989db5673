import { sendEmail } from "../../app/utils/email.server";
import type { PipelineContext } from "../context";
import type { SendEmailJob } from "../../app/jobs/definitions";

/** email.send: emails are enqueued in the transaction of what they announce, and sent (and retried) here. */
export async function sendEmailJob(_ctx: PipelineContext, email: SendEmailJob): Promise<void> {
  await sendEmail(email);
}
