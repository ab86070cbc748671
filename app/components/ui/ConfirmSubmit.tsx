import { useState } from "react";
import { Form } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { useTranslation } from "react-i18next";
import { Dialog } from "./Dialog";

/**
 * A submit button that asks first, in a dialog: an irreversible action (revoking a key, disabling
 * a user) never happens on a stray click. It sits inside the form it submits.
 */
interface ConfirmProps {
  label: string;
  question: string;
  confirmLabel: string;
  danger?: boolean;
  name?: string;
  value?: string;
}

export function ConfirmSubmit({ label, question, confirmLabel, danger = false, name, value }: ConfirmProps) {
  const { t } = useTranslation("common");
  const [asking, setAsking] = useState(false);
  return (
    <>
      <button type="button" className={danger ? "btn-secondary text-red-700" : "btn-secondary"} onClick={() => setAsking(true)}>
        {label}
      </button>
      <Dialog open={asking} onClose={() => setAsking(false)} title={label}>
        <p className="whitespace-normal text-left text-sm text-slate-700">{question}</p>
        <div className="flex flex-wrap justify-end gap-2">
          <button type="button" className="btn-secondary" onClick={() => setAsking(false)}>
            {t("cancel")}
          </button>
          <button type="submit" name={name} value={value} className={danger ? "btn-danger" : "btn"} data-autofocus onClick={() => setAsking(false)}>
            {confirmLabel}
          </button>
        </div>
      </Dialog>
    </>
  );
}

/** A one-button form that asks first: the form token, the record's hidden fields, and ConfirmSubmit. */
export function ConfirmForm({ fields, ...confirm }: ConfirmProps & { fields: Record<string, string | number> }) {
  return (
    <Form method="post">
      <AuthenticityTokenInput />
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <ConfirmSubmit {...confirm} />
    </Form>
  );
}
