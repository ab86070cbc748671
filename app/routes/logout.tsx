import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { destroyUserSession } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";

export async function loader() {
  return redirect("/");
}

export async function action({ request, context }: ActionFunctionArgs) {
  await readForm(request, context);
  return destroyUserSession(request, context);
}
