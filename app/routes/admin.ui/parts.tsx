import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Role } from "../../../models/models";

/** The roles an admin can give, most powerful first (the same list as models/models.ts ROLES, which the browser cannot import). */
export const ROLE_CHOICES = ["admin", "marketer", "manager"] as const satisfies readonly Role[];

export { ConfirmForm, ConfirmSubmit } from "~/components/ui/ConfirmSubmit";

/** A secret shown once: selectable, with a copy button. */
export function CopyField({ value, label, testId }: { value: string; label: string; testId?: string }) {
  const { t } = useTranslation("admin");
  const [copied, setCopied] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // older browsers and plain-http pages without the clipboard API: copy the selection
      inputRef.current?.select();
      document.execCommand("copy");
    }
    setCopied(true);
  };
  return (
    <div className="flex items-stretch gap-2">
      <input
        ref={inputRef}
        readOnly
        aria-label={label}
        value={value}
        data-testid={testId}
        onFocus={(e) => e.currentTarget.select()}
        className="input flex-1 bg-white font-mono"
      />
      <button type="button" className="btn-secondary shrink-0" onClick={copy}>
        {copied ? t("common.copied") : t("common.copy")}
      </button>
    </div>
  );
}

/** A message above a page's content after an action: success, warning (a secret to copy) or error. */
export function Notice({ tone, children, testId }: { tone: "success" | "warning" | "error"; children: React.ReactNode; testId?: string }) {
  const styles = {
    success: "border-emerald-200 bg-emerald-50 text-emerald-900",
    warning: "border-amber-300 bg-amber-50 text-amber-900",
    error: "border-red-200 bg-red-50 text-red-800",
  }[tone];
  return (
    <div className={`rounded-lg border p-4 text-sm ${styles}`} role={tone === "error" ? "alert" : "status"} data-testid={testId}>
      {children}
    </div>
  );
}

/** A field's first error, translated: form schemas carry catalogue keys, not sentences. */
export function FieldError({ id, errors }: { id: string; errors: string[] | undefined }) {
  const { t } = useTranslation("admin");
  if (!errors?.length) return null;
  return (
    <p className="field-error" id={id}>
      {t(errors[0])}
    </p>
  );
}
