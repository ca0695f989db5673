import type { TFunction } from "i18next";
import type { DocumentStatus } from "../../db/schema";
import { fixedTexts } from "../i18n/server-texts.server";
import { formatMoney } from "../utils/pricing";

// Why an admin's action on an order is refused, worded in the admin's language where the reply is made (`explain`);
// the error's own message is the English sentence, for logs and for callers without a reader (tests, scripts).

type PaymentStatus = "pending" | "succeeded" | "failed" | "expired" | "refunded" | "partially_refunded";
type Money = { cents: number; currency: string };
export type RefusalKey =
  | "notFound"
  | "deliveredWithFiles"
  | "notRetriable"
  | "notStuck"
  | "refundUnsettled"
  | "refundedAcknowledge"
  | "notPaid"
  | "rewriteWhen"
  | "filesBeingMade"
  | "noSuchSection"
  | "sectionBeingWritten"
  | "noSuchPayment"
  | "paymentNotRefundable"
  | "refundTooMuch"
  | "nothingLeft"
  | "emailNotDelivered"
  | "emailFilesNotReady"
  | "customerDeleted";
/** States and sums are worded at `explain` time, in the reader's words and number format. */
type RefusalValues = {
  status?: DocumentStatus;
  stage?: string | null;
  payment?: PaymentStatus;
  number?: number;
  money?: Record<string, Money>;
};

const english = fixedTexts("en");

/** An admin action that does not apply to the order as it stands; `status` is the answer's. */
export class AdminActionRefused extends Error {
  constructor(
    readonly key: RefusalKey,
    readonly values: RefusalValues = {},
    readonly status: 400 | 404 | 409 = 409,
  ) {
    super();
    this.name = "AdminActionRefused";
    this.message = this.explain(english, "en");
  }

  /** The reason in `t`'s language, with states as `t` words them and sums as `locale` writes them. */
  explain(t: TFunction, locale: string): string {
    const say = (key: string, values: object = {}) => String(t(`admin:order.refused.${key}` as never, values as never));
    const { status, stage, payment, number, money = {} } = this.values;
    const amounts = Object.fromEntries(
      Object.entries(money).map(([name, m]) => [name, formatMoney(m.cents, m.currency, locale)]),
    );
    return say(this.key, {
      ...amounts,
      number,
      status: status ? say(`states.${status}`) : "",
      payment: payment ? say(`paymentStates.${payment}`) : "",
      stage: stage ? ` (${stage})` : "",
    });
  }
}
