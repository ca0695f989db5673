import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { OrderSteps } from "~/components/order-steps";
import { OrderTopicForm } from "~/components/order-topic-form";
import { createDraftDocument } from "~/models/documents.server";
import { getDb } from "~/utils/db.server";
import { readFormData } from "~/utils/request.server";
import { orderTopicSchema } from "~/utils/schemas";
import { requireUser } from "~/utils/session-cookie.server";

export const meta: MetaFunction = () => [{ title: "New order · TesiGo" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const submission = parseWithZod(await readFormData(request, orderTopicSchema), { schema: orderTopicSchema });
  if (submission.status !== "success") return Response.json(submission.reply(), { status: 400 });
  const draft = await createDraftDocument(getDb(), user.id, submission.value);
  throw redirect(`/orders/${draft.id}/details`);
}

export default function NewOrder() {
  const lastResult = useActionData<typeof action>();
  return (
    <div className="mx-auto max-w-xl">
      <OrderSteps current="topic" />
      <h1 className="text-2xl font-bold">Order a document</h1>
      <p className="mb-6 mt-2 text-slate-600">
        Tell us what to write. Your answers are saved as you go; you see the price before you pay.
      </p>
      <OrderTopicForm lastResult={lastResult} />
    </div>
  );
}
