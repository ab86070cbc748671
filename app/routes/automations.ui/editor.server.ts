// The loader and action the new-automation and edit-automation pages share: the form's choices
// (segments, users, the store's zone, the template variables) and saving the posted form through
// the schema the API takes, so errors name the API's fields.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { createAutomation, getAutomation, listSegments, listUsers, updateAutomation } from "~/domain/automations.server";
import type { FieldError } from "../../../models/ingest/schemas";
import { templateVariables } from "../campaigns.ui/domain.server";
import { automationInputOfForm, formValuesOf, postedValues, type AutomationFormValues } from "./form";
import { getStoreForReader } from "~/i18n.server";

/** Roles that change automations; managers read them. */
export const AUTOMATION_EDITORS = ["admin", "marketer"] as const;
/** Roles that open the automation pages. */
export const AUTOMATION_READERS = ["admin", "marketer", "manager"] as const;

/** The automation id in the URL, or a 404. */
export function automationIdParam(raw: string | undefined): number {
  if (!/^[1-9]\d{0,9}$/.test(raw ?? "") || Number(raw) > 2_147_483_647) throw new Response("No such automation.", { status: 404, statusText: "Not Found" });
  return Number(raw);
}

export async function loadEditor({ request, context }: LoaderFunctionArgs, automationId?: number) {
  const user = await requireRole(request, context, ...AUTOMATION_EDITORS);
  const db = context.services.db;
  const [store, segments, users, automation] = await Promise.all([getStoreForReader(request, context), listSegments(db), listUsers(db), automationId ? getAutomation(db, automationId) : null]);
  if (automationId && !automation) throw new Response("No such automation.", { status: 404, statusText: "Not Found" });
  return json({
    store: { timeZone: store.timeZone, locale: store.locale },
    segments: segments.map((s) => ({ id: s.id, name: s.name, code: s.code, type: s.type, memberCount: s.memberCount, isActive: s.isActive })),
    users: users.filter((u) => u.isActive).map((u) => ({ id: u.id, name: u.name, role: u.role })),
    automation: automation ? { id: automation.id, name: automation.name, values: formValuesOf(automation) } : null,
    variables: templateVariables(),
    me: { email: user.email },
  });
}

/** Every answer of the editor's action that is not a redirect: the problems by field and what was posted. */
export interface EditorAnswer {
  errors: FieldError[];
  values: AutomationFormValues;
}

export async function editorAction({ request, context }: ActionFunctionArgs, automationId?: number) {
  const user = await requireRole(request, context, ...AUTOMATION_EDITORS);
  const form = await readForm(request, context);
  const { services } = context;
  const input = automationInputOfForm(form);
  const actor = { userId: user.id, ip: context.clientIp };
  const now = new Date();
  const saved = automationId ? await updateAutomation(services.db, automationId, input, actor, now, { queue: services.jobs }) : await createAutomation(services.db, input, actor, now, { queue: services.jobs });
  if (saved.ok) return redirect(`/automations/${saved.automation.id}?saved=1`);
  if (saved.kind === "missing") throw new Response("No such automation.", { status: 404, statusText: "Not Found" });
  return json<EditorAnswer>({ errors: saved.errors, values: postedValues(form) }, { status: 400 });
}
