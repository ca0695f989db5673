import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { OrderSteps } from "~/components/order-steps";
import { OrderTopicForm } from "~/components/order-topic-form";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { createDraftDocument } from "~/models/documents.server";
import { getDb } from "~/utils/db.server";
import { readFormData } from "~/utils/request.server";
import { orderTopicSchema } from "~/utils/schemas";
import { requireUser } from "~/utils/session-cookie.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request);
  const t = await translatorFor(await getLocale(request));
  return { title: t("orders:new.title") };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const submission = parseWithZod(await readFormData(request, orderTopicSchema), { schema: orderTopicSchema });
  if (submission.status !== "success") return Response.json(submission.reply(), { status: 400 });
  const draft = await createDraftDocument(getDb(), user.id, submission.value);
  throw redirect(`/orders/${draft.id}/details`);
}

export default function NewOrder() {
  const { t } = useTranslation("orders");
  const lastResult = useActionData<typeof action>();
  return (
    <div className="mx-auto max-w-xl">
      <OrderSteps current="topic" />
      <h1 className="text-2xl font-bold">{t("new.heading")}</h1>
      <p className="mb-6 mt-2 text-slate-600">{t("new.intro")}</p>
      <OrderTopicForm lastResult={lastResult} />
    </div>
  );
}
