import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { OrderSteps } from "~/components/order-steps";
import { OrderTopicForm } from "~/components/order-topic-form";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { updateDraftDocument } from "~/models/documents.server";
import { getDb } from "~/utils/db.server";
import { requireDraftOrder } from "~/utils/orders.server";
import { readFormData } from "~/utils/request.server";
import { orderTopicSchema } from "~/utils/schemas";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { document } = await requireDraftOrder(request, params.id);
  const t = await translatorFor(await getLocale(request));
  return {
    title: t("orders:topic.title"),
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
  const { t } = useTranslation("orders");
  const { id, kind, topic, discipline, institution } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  return (
    <div className="mx-auto max-w-xl">
      <OrderSteps current="topic" documentId={id} />
      <h1 className="mb-6 text-2xl font-bold">{t("topic.heading")}</h1>
      <OrderTopicForm lastResult={lastResult} defaultValue={{ kind, topic, discipline, institution }} />
    </div>
  );
}
