// The public API's bodies (issue 22): what each endpoint takes, built from the order wizard's own schemas (one rule in
// one place), and what it answers. The routes parse with these and build their answers to these types, and the
// OpenAPI document (app/utils/openapi.server.ts) is generated from them: nothing is described twice.
import { z } from "zod";
import { DOCUMENT_STATUSES } from "../../db/schema";
import { orderDetailsSchema, orderInstructionsSchema, orderTopicSchema } from "./schemas";

// Requests.

/** Express delivery: in a form a ticked checkbox, in JSON a boolean. */
const express = z.boolean({ error: "must be true or false" }).default(false).meta({
  description: "Express delivery: the order jumps the queue, for 50 % on top of the price.",
});

export const quoteRequestSchema = z
  .strictObject({ kind: orderTopicSchema.shape.kind, pages: orderDetailsSchema.shape.pages, express })
  .meta({ id: "QuoteRequest", example: { kind: "bachelor_thesis", pages: 40, express: false } });

export const orderRequestSchema = z
  .strictObject({
    ...orderTopicSchema.shape,
    ...orderDetailsSchema.shape,
    express,
    instructions: orderInstructionsSchema.shape.instructions,
    draft: z.boolean({ error: "must be true or false" }).default(false).meta({
      description:
        "Keep the order as a draft: upload a requirements file first, then pay with POST /orders/{id}/checkout.",
    }),
  })
  .meta({
    id: "OrderRequest",
    example: {
      kind: "term_paper",
      topic: "Cooperative dairies in nineteenth-century Denmark",
      pages: 12,
      language: "en",
      citationStyle: "apa7",
      express: false,
      instructions: "Compare at least two regions.",
    },
  });

// Answers.

export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "Stable, for programs: missing_key, invalid_body, not_found…" }),
      message: z.string().meta({ description: "For the developer reading it." }),
      fields: z
        .record(z.string(), z.array(z.string()))
        .optional()
        .meta({ description: "invalid_body only: what is wrong with each field, by its name." }),
    }),
  })
  .meta({ id: "Error" });
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

const timestamp = z.iso.datetime({ offset: true });

export const apiOrderSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(DOCUMENT_STATUSES),
    kind: z.string(),
    topic: z.string(),
    pages: z.number().int(),
    language: z.string(),
    citationStyle: z.string(),
    price: z.object({ amountCents: z.number().int(), currency: z.string() }),
    progress: z.object({
      percent: z.number(),
      stage: z.string().nullable(),
      sectionsTotal: z.number().int().nullable(),
      sectionsFinished: z.number().int(),
      etaSeconds: z.number().int().nullable(),
    }),
    scores: z.object({ uniqueness: z.number().nullable(), grammar: z.number().nullable(), ai: z.number().nullable() }),
    warnings: z.array(z.string()),
    files: z.object({ docx: z.string(), pdf: z.string() }).nullable(),
    createdAt: timestamp,
    paidAt: timestamp.nullable(),
    completedAt: timestamp.nullable(),
  })
  .meta({ id: "Order" });
export type ApiOrder = z.infer<typeof apiOrderSchema>;

export const orderListSchema = z
  .object({ orders: z.array(apiOrderSchema), nextCursor: z.string().nullable() })
  .meta({ id: "OrderList" });

export const oneOrderSchema = z.object({ order: apiOrderSchema }).meta({ id: "OrderAnswer" });
export type OneOrder = z.infer<typeof oneOrderSchema>;

export const placedOrderSchema = z
  .object({
    order: apiOrderSchema,
    checkoutUrl: z.url().nullable().meta({
      description: "Stripe Checkout page where the order is paid; null for a draft, or when card payment is off.",
    }),
    devPaymentPath: z.string().nullable().meta({
      description: "Where dev payments are allowed: POST here to pay without a card (development only).",
    }),
  })
  .meta({ id: "PlacedOrder" });
export type PlacedOrder = z.infer<typeof placedOrderSchema>;

export const quoteSchema = z
  .object({
    price: z.object({
      amountCents: z.number().int(),
      currency: z.string(),
      perPageCents: z.number().int(),
      baseCents: z.number().int(),
      expressCents: z.number().int(),
      ownKeyCents: z.number().int().meta({
        description: "Taken off because the account's own LLM key writes the order (BYOK_DISCOUNT); 0 otherwise.",
      }),
    }),
    estimate: z.object({
      minSeconds: z.number().int().meta({ description: "Time to write it, from payment: at the soonest…" }),
      maxSeconds: z.number().int().meta({ description: "…and at the latest." }),
    }),
  })
  .meta({ id: "Quote" });
export type Quote = z.infer<typeof quoteSchema>;

export const requirementsUploadSchema = z
  .object({
    upload: z.object({
      filename: z.string(),
      kind: z.enum(["pdf", "docx", "txt"]),
      sizeBytes: z.number().int(),
      text: z.string().meta({ description: "The text read from the file: what the writer is given." }),
      truncated: z.boolean(),
    }),
  })
  .meta({ id: "RequirementsUpload" });
export type RequirementsUpload = z.infer<typeof requirementsUploadSchema>;
