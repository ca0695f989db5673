import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** An order paused because the customer's own LLM key was refused (or deleted): what to do, and where. */
export function OwnKeyPauseNotice({ provider }: { provider: "openai" | "anthropic" | "compat" | null }) {
  const { t } = useTranslation("byok");
  return (
    <p role="alert" data-testid="own-key-paused" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
      {provider ? t("document.paused", { provider: t(`providers.${provider}`) }) : t("document.missing")}{" "}
      <Link to="/account/llm-key" className="font-semibold text-brand-700 underline">
        {t("document.update")}
      </Link>
    </p>
  );
}
