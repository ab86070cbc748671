import { isRouteErrorResponse, Link, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** What a user sees when a page fails: a plain sentence for 403/404, a request id for the unexpected. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  const root = useRouteLoaderData("root") as { requestId?: string } | undefined;
  let title = t("errors.title");
  let message = t("errors.unexpected", { requestId: root?.requestId ?? "—" });
  if (isRouteErrorResponse(error)) {
    title = `${error.status} ${error.statusText || ""}`.trim();
    if (error.status === 404) message = t("errors.notFound");
    else if (error.status === 403 && error.statusText === "Form expired") message = t("auth:formExpired");
    else if (error.status === 403) message = t("errors.forbidden");
    else if (typeof error.data === "string" && error.status < 500) message = error.data;
  }
  return (
    <div className="card" role="alert">
      <h1 className="page-title">{title}</h1>
      <p className="mt-2 text-slate-700">{message}</p>
      <Link to="/" className="btn-secondary mt-4">
        {t("errors.back")}
      </Link>
    </div>
  );
}
