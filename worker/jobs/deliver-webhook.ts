// webhook.deliver: POSTs one event, signed, to one customer endpoint. A 2xx is success; anything else (a redirect too:
// none is followed) or a network error is retried by pg-boss with backoff over about a day, and after the last attempt
// the delivery is marked failed. Each attempt's status code, a short excerpt of the answer and the error are recorded
// on the delivery and logged — never the secret.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { DeliverWebhookJob } from "../../app/jobs/definitions";
import { recordWebhookAttempt, webhookDeliveryToSend } from "../../app/models/webhook-deliveries.server";
import { getEnv } from "../../app/utils/env.server";
import { assertPublicUrl, publicOnlyLookup, RefusedUrlError } from "../../app/utils/public-address.server";
import { WEBHOOK_HEADERS, webhookSignature } from "../../app/utils/webhook-signature.server";
import type { PipelineContext } from "../context";
import type { JobRun } from "../runner";

/** The longest a receiver may take to answer. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Characters of the answer's body kept on the delivery. */
const EXCERPT_CHARACTERS = 300;

const TOO_SLOW = `The endpoint did not answer within ${WEBHOOK_TIMEOUT_MS / 1000} seconds.`;

type Answer = { statusCode: number; excerpt: string };

export async function deliverWebhook(ctx: PipelineContext, job: DeliverWebhookJob, run: JobRun): Promise<void> {
  const delivery = await webhookDeliveryToSend(ctx.db, job.deliveryId);
  if (!delivery || delivery.state !== "pending") return;
  const log = ctx.log.child({ deliveryId: delivery.id, event: delivery.type, endpointId: delivery.endpoint_id });
  if (delivery.disabled_at) {
    await recordWebhookAttempt(ctx.db, delivery.id, {
      state: "failed",
      statusCode: null,
      responseExcerpt: null,
      error: "The endpoint was disabled.",
    });
    return;
  }
  const body = JSON.stringify({
    id: delivery.event_id,
    type: delivery.type,
    created: delivery.created_at.toISOString(),
    data: delivery.data,
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    "content-type": "application/json",
    "user-agent": "TesiGo-Webhooks/1",
    [WEBHOOK_HEADERS.delivery]: delivery.id,
    [WEBHOOK_HEADERS.event]: delivery.type,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [WEBHOOK_HEADERS.signature]: webhookSignature(delivery.secret, timestamp, body),
  };
  const attempt = delivery.attempts + 1;
  let answer: Answer | undefined;
  let error: string | null = null;
  let refused = false;
  try {
    answer = await post(delivery.url, headers, body, getEnv().WEBHOOK_ALLOW_PRIVATE_URLS);
  } catch (failure) {
    // A name that does not resolve now may tomorrow (DNS trouble): only a refused address is final.
    refused = failure instanceof RefusedUrlError && failure.reason !== "unresolvable";
    error = failure instanceof Error ? failure.message : String(failure);
  }
  const succeeded = answer !== undefined && answer.statusCode >= 200 && answer.statusCode < 300;
  if (answer && !succeeded) error = `The endpoint answered ${answer.statusCode}.`;
  // A refused address will not become public by waiting: no retry.
  const final = succeeded || run.isLastTry || refused;
  const state = succeeded ? "succeeded" : final ? "failed" : "pending";
  await recordWebhookAttempt(ctx.db, delivery.id, {
    state,
    statusCode: answer?.statusCode ?? null,
    responseExcerpt: answer?.excerpt ?? null,
    error,
  });
  log.info({ attempt, statusCode: answer?.statusCode, excerpt: answer?.excerpt, error, state }, "webhook delivery");
  // Thrown for pg-boss to try again later, with backoff.
  if (state === "pending") throw new Error(`Webhook delivery attempt ${attempt} failed: ${error}`);
}

/** One POST: no redirect followed, at most WEBHOOK_TIMEOUT_MS, the address checked again (and at connect time). */
async function post(url: string, headers: Record<string, string>, body: string, allowPrivate: boolean) {
  const target = await assertPublicUrl(url, { allowPrivate });
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<Answer>((resolve, reject) => {
    const req = send(
      target,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        agent: false,
        timeout: WEBHOOK_TIMEOUT_MS,
        ...(allowPrivate ? {} : { lookup: publicOnlyLookup() }),
      },
      (res) => void readExcerpt(res).then(resolve, reject),
    );
    // `timeout` is between bytes; this bounds the whole exchange.
    const deadline = setTimeout(() => req.destroy(new Error(TOO_SLOW)), WEBHOOK_TIMEOUT_MS);
    req.on("close", () => clearTimeout(deadline));
    req.on("timeout", () => req.destroy(new Error(TOO_SLOW)));
    req.on("error", reject);
    req.end(body);
  });
}

/** The status and the first characters of the answer (the rest is not read). */
async function readExcerpt(res: IncomingMessage): Promise<Answer> {
  let text = "";
  for await (const chunk of res) {
    text += (chunk as Buffer).toString("utf8");
    if (text.length >= EXCERPT_CHARACTERS) break;
  }
  res.destroy();
  return { statusCode: res.statusCode ?? 0, excerpt: text.slice(0, EXCERPT_CHARACTERS) };
}
