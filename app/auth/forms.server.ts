import type { AppLoadContext } from "@remix-run/node";
import { isFormTokenOfSession } from "./session.server";

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
    throw new Response("Bad request: the request carried no form (no Content-Type); send the page's form.", { status: 400, statusText: "Bad Request" });
  }
  if (!FORM_TYPES.includes(contentType)) {
    throw new Response(`Unsupported media type: this page accepts a form (${FORM_TYPES.join(" or ")}), not ${contentType}.`, {
      status: 415,
      statusText: "Unsupported Media Type",
    });
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new Response(`Bad request: the form body could not be read as ${contentType}.`, { status: 400, statusText: "Bad Request" });
  }
  if (!(await isFormTokenOfSession(request, context, form.get("csrf")))) {
    throw new Response("The form expired or came from another site. Reload the page and try again.", { status: 403, statusText: FORM_EXPIRED });
  }
  return form;
}
