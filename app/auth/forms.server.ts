import type { AppLoadContext } from "@remix-run/node";
import { CSRFError } from "remix-utils/csrf/server";
import { authKit } from "./session.server";

/** The status text of a refused form token, so the error page can say so instead of "your role may not open this page". */
export const FORM_EXPIRED = "Form expired";

/**
 * Reads a posted form after checking its CSRF token: every action that changes something starts here
 * (after its role check), so a form posted from another site changes nothing.
 */
export async function readForm(request: Request, context: AppLoadContext): Promise<FormData> {
  const form = await request.formData();
  try {
    await authKit(context).csrf.validate(form, request.headers);
  } catch (error) {
    if (error instanceof CSRFError) {
      throw new Response("The form expired or came from another site. Reload the page and try again.", { status: 403, statusText: FORM_EXPIRED });
    }
    throw error;
  }
  return form;
}
