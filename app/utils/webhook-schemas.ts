// The webhooks pages' forms (issue 22, item 5), one zod schema each, used by Conform in the browser and by the actions.
import { z } from "zod";
import type { WebhookEventType } from "../../db/schema";
import { message } from "../i18n/messages";
import { typedText } from "./schemas";

export const WEBHOOK_EVENT_TYPES = [
  "order.paid",
  "order.progress",
  "order.completed",
  "order.failed",
  "order.refunded",
] as const satisfies readonly WebhookEventType[];

/** An event type's key in the webhooks namespace ("paid" for order.paid). */
export const eventKey = (type: WebhookEventType) =>
  type.slice("order.".length) as "paid" | "progress" | "completed" | "failed" | "refunded";

const endpointId = typedText({ error: message("webhooks:errors.unknownEndpoint") }).max(
  60,
  message("webhooks:errors.unknownEndpoint"),
);

export const createEndpointSchema = z.object({
  intent: z.literal("create"),
  url: typedText({ error: message("webhooks:errors.urlRequired") })
    .trim()
    .min(1, message("webhooks:errors.urlRequired"))
    .max(2000, message("validation:maxLength", { max: 2000 }))
    .refine(
      (value) => /^https?:\/\/[^\s]+$/i.test(value) && URL.canParse(value),
      message("webhooks:errors.urlInvalid"),
    ),
  events: z
    .array(z.enum(WEBHOOK_EVENT_TYPES, { error: message("webhooks:errors.eventUnknown") }), {
      error: message("webhooks:errors.eventRequired"),
    })
    .min(1, message("webhooks:errors.eventRequired")),
});
export const changeEndpointSchema = z.object({
  intent: z.enum(["disable", "enable", "delete"], { error: message("webhooks:errors.unknownIntent") }),
  endpointId,
});
export const endpointFormSchema = z.discriminatedUnion("intent", [createEndpointSchema, changeEndpointSchema], {
  error: message("webhooks:errors.unknownIntent"),
});

export const resendSchema = z.object({
  intent: z.literal("resend", { error: message("webhooks:errors.unknownIntent") }),
  deliveryId: typedText({ error: message("webhooks:errors.unknownDelivery") }).max(
    60,
    message("webhooks:errors.unknownDelivery"),
  ),
});
