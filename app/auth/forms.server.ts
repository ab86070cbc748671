import type { AppLoadContext } from "@remix-run/node";
import { isFormTokenOfSession } from "./session.server";
import { msg } from "../../models/messages";

/** The status text of a refused form token, so the error page can say so instead of "your role may not open this page". */
export const FORM_EXPIRED = "Form expired";

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/**
 * Reads a posted form after checking its CSRF token against the session's: every action that changes
 * something starts here (after its role check), so a form posted from another site, or with another
 * session's token, changes nothing. Anything but a form is answered 415 or 400, saying what was wrong.
 */
export async function readForm(request: Request, context: AppLoadContext): Promise<FormData> {
  const contentType = request.headers.get("Content-Type")?.split(";")[0].trim().toLowerCase() ?? "";
  if (!contentType) {
    throw new Response(msg("ingest.noForm"), { status: 400, statusText: "Bad Request" });
  }
  if (!FORM_TYPES.includes(contentType)) {
    throw new Response(msg("ingest.notAForm", { sent: contentType }), {
      status: 415,
      statusText: "Unsupported Media Type",
    });
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new Response(msg("ingest.unreadableForm", { type: contentType }), { status: 400, statusText: "Bad Request" });
  }
  if (!(await isFormTokenOfSession(request, context, form.get("csrf")))) {
    throw new Response(msg("ingest.formExpired"), { status: 403, statusText: FORM_EXPIRED });
  }
  return form;
}
