import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Button } from "~/components/ui/button";
import { Field, FieldErrors, inputClass } from "~/components/ui/field";
import { deleteAccount } from "~/models/account-deletion.server";
import { getDb } from "~/utils/db.server";
import { readFormData, requestOrigin, type AppLoadContext } from "~/utils/request.server";
import { destroySessionCookie, requireUser } from "~/utils/session-cookie.server";

export const meta: MetaFunction = () => [{ title: "Delete my account · TesiGo" }];

const MISMATCH = "Type your email address exactly as shown to confirm.";

// One schema for the browser and the action; it needs the email the customer must retype.
function confirmDeletionSchema(email: string) {
  const expected = email.trim().toLowerCase();
  return z.object({
    email: z
      .string({ error: MISMATCH })
      .trim()
      .refine((typed) => typed.toLowerCase() === expected, MISMATCH),
  });
}

export async function loader({ request }: LoaderFunctionArgs) {
  // Consent or not, a person may always delete their account.
  const user = await requireUser(request, { allowWithoutConsent: true });
  return { email: user.email };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(request, { allowWithoutConsent: true });
  const schema = confirmDeletionSchema(user.email);
  const submission = parseWithZod(await readFormData(request, schema), { schema });
  if (submission.status !== "success") return Response.json(submission.reply(), { status: 400 });
  await deleteAccount(getDb(), user.id, requestOrigin(request, context as AppLoadContext));
  return redirect("/?deleted=1", { headers: { "Set-Cookie": await destroySessionCookie(request) } });
}

export default function DeleteAccount() {
  const { email } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "delete-account",
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: confirmDeletionSchema(email) }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  return (
    <div className="mx-auto max-w-xl">
      <Link to="/account" className="text-sm text-brand-700 underline">
        ← My account
      </Link>
      <h1 className="mt-2 text-2xl font-bold">Delete my account</h1>
      <p className="mt-2 text-slate-600">
        This cannot be undone. If you want a copy of your documents and data, first{" "}
        <a href="/account/export" download className="font-semibold text-brand-700 underline">
          download my data (JSON)
        </a>
        .
      </p>

      <div className="mt-6 space-y-4 rounded-lg border border-slate-200 bg-white p-5 text-sm">
        <div>
          <h2 className="font-semibold">What we delete</h2>
          <ul className="mt-2 list-disc space-y-1 pl-5 text-slate-700">
            <li>Your email address and name: the account is anonymised and can no longer be signed in to.</li>
            <li>
              Every session, with the addresses and browsers it was used from: you are signed out on all your devices.
            </li>
            <li>
              What your orders say: topics, disciplines, institutions, instructions and requirements, outlines, the text
              of your documents, their drafts, quality notes and the delivered DOCX and PDF files.
            </li>
            <li>The files you uploaded, and the details of your card payments that Stripe sent us.</li>
          </ul>
        </div>
        <div>
          <h2 className="font-semibold">Orders not yet delivered</h2>
          <p className="mt-2 text-slate-700">
            They are cancelled and nothing more is written for them. What you paid for them is refunded in full, and we
            email you that once more, at the address you have now. An open card payment is closed.
          </p>
        </div>
        <div>
          <h2 className="font-semibold">What we keep, and why</h2>
          <ul className="mt-2 list-disc space-y-1 pl-5 text-slate-700">
            <li>
              Payment and refund records, with the kind, length, language, price and dates of the order each paid for:
              the law requires us to keep accounting records.
            </li>
            <li>The record of the privacy choices you made: proof of what you agreed to.</li>
          </ul>
          <p className="mt-2 text-slate-600">These no longer carry your email address or name.</p>
        </div>
      </div>

      <Form method="post" {...getFormProps(form)} className="mt-6 space-y-4">
        <Field
          id={fields.email.id}
          label={`To confirm, type your email address: ${email}`}
          errors={fields.email.errors}
        >
          <input
            {...getInputProps(fields.email, { type: "text" })}
            className={inputClass}
            inputMode="email"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
          />
        </Field>
        <FieldErrors id={form.errorId} errors={form.errors} />
        <Button type="submit" variant="danger" disabled={navigation.state === "submitting"}>
          {navigation.state === "submitting" ? "Deleting…" : "Delete my account permanently"}
        </Button>
      </Form>
    </div>
  );
}
