import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { OrderSteps } from "~/components/order-steps";
import { OrderTopicForm } from "~/components/order-topic-form";
import { updateDraftDocument } from "~/models/documents.server";
import { getDb } from "~/utils/db.server";
import { requireDraftOrder } from "~/utils/orders.server";
import { readFormData } from "~/utils/request.server";
import { orderTopicSchema } from "~/utils/schemas";

export const meta: MetaFunction = () => [{ title: "Order: topic · TesiGo" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { document } = await requireDraftOrder(request, params.id);
  return {
    id: document.id,
    kind: document.kind,
    topic: document.topic,
    discipline: document.discipline ?? "",
    institution: document.institution ?? "",
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, document } = await requireDraftOrder(request, params.id);
  const submission = parseWithZod(await readFormData(request, orderTopicSchema), { schema: orderTopicSchema });
  if (submission.status !== "success") return Response.json(submission.reply(), { status: 400 });
  const { kind, topic, discipline, institution } = submission.value;
  await updateDraftDocument(getDb(), document.id, user.id, {
    kind,
    topic,
    discipline: discipline || null,
    institution: institution || null,
  });
  throw redirect(`/orders/${document.id}/details`);
}

export default function OrderTopic() {
  const { id, ...defaultValue } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  return (
    <div className="mx-auto max-w-xl">
      <OrderSteps current="topic" documentId={id} />
      <h1 className="mb-6 text-2xl font-bold">What should we write?</h1>
      <OrderTopicForm lastResult={lastResult} defaultValue={defaultValue} />
    </div>
  );
}
