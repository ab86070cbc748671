import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, isRouteErrorResponse, Link, useActionData, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { z } from "../../models/zod";
import { zmsg } from "../../models/messages";
import { requireUser } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { ConfirmForm } from "~/components/ui/ConfirmSubmit";
import { Dialog } from "~/components/ui/Dialog";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { wordingFrom } from "~/components/segments/words";
import { formatDateTime } from "~/format";
import { assignableUsers, commentOnTask, completeTask, getTask, mayWorkTasks, reassignTask, taskItem, taskOrigin, taskViewerOf, userNames } from "~/domain/tasks.server";
import { TaskComment } from "../../automations/definition";
import { customerName } from "./customers.ui/display";
import { Card } from "./customers.ui/card";
import { loadCustomerPanel } from "./customers.ui/page-data.server";
import { ChannelsCard, ConsentBadge, ProfileCard } from "./customers.ui/profile";
import { OrdersCard } from "./customers.ui/orders";
import { TimelineCard } from "./customers.ui/timeline";
import { MembershipReasons, SegmentsCard } from "./customers.ui/segments";
import { DueDate, TaskStatusBadge } from "./tasks.ui/parts";
import { getStoreForReader } from "~/i18n.server";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [{ title: pageTitle(matches, data?.task.title ?? titled("task"), titled("tasks")) }];

const notFound = () => new Response("No such task.", { status: 404, statusText: "Not Found" });

function taskIdOf(param: string | undefined): number {
  if (!/^[1-9]\d{0,14}$/.test(param ?? "")) throw notFound();
  return Number(param);
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const id = taskIdOf(params.id);
  const db = context.services.db;
  const now = new Date();
  const viewer = taskViewerOf(user);
  // the task first: another manager's task answers 404 before anything of its customer is read
  const [found, item] = await Promise.all([getTask(db, viewer, id, now), taskItem(db, viewer, id, now)]);
  if (!found || !item) throw notFound();
  const { task, comments } = found;
  const mayWork = mayWorkTasks(user.role);
  const [origin, names, store, people, customer] = await Promise.all([
    taskOrigin(db, id),
    userNames(db, [...comments.map((c) => c.authorId), task.completedById]),
    getStoreForReader(request, context),
    mayWork && task.status === "open" ? assignableUsers(db) : Promise.resolve([]),
    task.customerId === null ? Promise.resolve(null) : loadCustomerPanel(request, context, user, task.customerId, new URL(request.url).searchParams, now),
  ]);
  const panel = customer?.ok ? customer.panel : null;
  const membership = panel && origin?.segment ? (panel.segments.memberships.find((m) => m.segmentId === origin.segment?.id) ?? null) : null;
  return json({
    task: {
      id: task.id,
      title: task.title,
      description: task.description,
      status: task.status,
      isOverdue: task.isOverdue,
      dueAt: task.dueAt?.toISOString() ?? null,
      createdAt: task.createdAt.toISOString(),
      completedAt: task.completedAt?.toISOString() ?? null,
      completedBy: task.completedById === null ? null : (names.get(task.completedById) ?? null),
      assignee: item.assignee ? { id: item.assignee.id, name: item.assignee.name } : null,
    },
    // the customer's name only when they are another manager's (docs/decisions/0015)
    customerName: item.customer ? (customerName(item.customer) ?? (panel ? item.customer.externalId : "—")) : null,
    customerState:
      task.customerId === null
        ? ("none" as const)
        : customer?.ok
          ? ("shown" as const)
          : customer?.reason === "forbidden"
            ? item.customer?.managerId === null
              ? ("unassigned" as const)
              : ("notYours" as const)
            : ("gone" as const),
    origin: origin
      ? {
          automation: origin.automation,
          segment: origin.segment,
          event: { kind: origin.event.kind, at: origin.event.at?.toISOString() ?? null },
          membership,
        }
      : null,
    comments: comments.map((c) => ({ id: c.id, body: c.body, at: c.createdAt.toISOString(), author: c.authorId === null ? null : (names.get(c.authorId) ?? null) })),
    mayWork,
    people: people.filter((p) => p.id !== task.assigneeId).map((p) => ({ id: p.id, name: p.name, role: p.role })),
    store: { locale: store.locale, timeZone: store.timeZone, currency: store.currency },
    customer: panel,
  });
}

const PageAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("complete") }),
  z.object({
    intent: z.literal("reassign"),
    assigneeId: z.coerce.number(zmsg("campaigns.ids.user")).int(zmsg("campaigns.ids.user")).positive(zmsg("campaigns.task.chooseAssignee")).max(2_147_483_647, zmsg("campaigns.ids.user")),
  }),
  z.object({ intent: z.literal("comment"), body: TaskComment.shape.body }),
]);

type Answer = { intent: string; fieldErrors?: Record<string, string>; done?: "comment" };

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  if (!mayWorkTasks(user.role)) throw new Response("Managers and admins work tasks; marketers read them.", { status: 403, statusText: "Forbidden" });
  const id = taskIdOf(params.id);
  const form = await readForm(request, context);
  const raw = Object.fromEntries([...form.entries()].filter(([k]) => k !== "csrf"));
  const parsed = PageAction.safeParse(raw);
  const intent = typeof raw.intent === "string" ? raw.intent : "";
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path.join(".") || "intent";
      fieldErrors[field] ??= issue.message;
    }
    return json<Answer>({ intent, fieldErrors }, { status: 400 });
  }
  const db = context.services.db;
  const viewer = taskViewerOf(user);
  const now = new Date();
  const input = parsed.data;
  if (input.intent === "complete") {
    const out = await completeTask(db, viewer, id, now);
    if (!out.ok) throw notFound();
    return redirect(`/tasks?completed=${id}`);
  }
  if (input.intent === "reassign") {
    const out = await reassignTask(db, viewer, id, input.assigneeId, now);
    if (!out.ok && out.kind === "missing") throw notFound();
    if (!out.ok) return json<Answer>({ intent, fieldErrors: { [out.field]: out.reason } }, { status: 400 });
    // a manager who gave their task away can no longer open it
    return viewer.canSeeAll ? redirect(`/tasks/${id}`) : redirect(`/tasks?reassigned=${id}`);
  }
  const out = await commentOnTask(db, viewer, id, input.body, now);
  if (!out.ok) throw notFound();
  return json<Answer>({ intent, done: "comment" });
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

export default function TaskPage() {
  const data = useLoaderData<typeof loader>();
  const { task } = data;
  const { t } = useTranslation("tasks");
  const at = (v: string | null) => formatDateTime(v, data.store.locale, data.store.timeZone);
  return (
    <div className="space-y-5">
      <div>
        <Link to="/tasks" className="text-sm text-indigo-700 hover:underline">
          ← {t("page.back")}
        </Link>
        <div className="mt-2 flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <h1 className="page-title break-words" data-testid="task-title">
              {task.title}
            </h1>
            <div className="mt-1 flex flex-wrap items-center gap-2 text-sm">
              <TaskStatusBadge status={task.status} />
              {task.status === "open" && <DueDate dueAt={task.dueAt} isOverdue={task.isOverdue} store={data.store} />}
              {task.status === "done" && task.completedAt && <span className="text-slate-600">{t("page.completedBy", { name: task.completedBy ?? t("page.unknownUser"), at: at(task.completedAt) })}</span>}
            </div>
          </div>
          {data.mayWork && task.status === "open" && (
            <div className="flex flex-wrap gap-2">
              <ConfirmForm fields={{}} name="intent" value="complete" label={t("page.complete")} question={t("page.completeQuestion", { title: task.title })} confirmLabel={t("page.completeConfirm")} />
              {data.people.length > 0 && <Reassign />}
            </div>
          )}
        </div>
        {!data.mayWork && <p className="mt-2 text-sm text-slate-500">{t("page.readOnly")}</p>}
      </div>

      <div className="grid gap-5 lg:grid-cols-3">
        <div className="min-w-0 space-y-5">
          <TaskCard />
          <OriginCard />
          <CommentsCard />
        </div>
        <div className="min-w-0 space-y-5 lg:col-span-2" data-testid="task-customer-panel">
          <CustomerPanel />
        </div>
      </div>
    </div>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[7rem_minmax(0,1fr)] gap-2 py-1.5">
      <dt className="text-slate-500">{label}</dt>
      <dd className="break-words text-slate-900">{children}</dd>
    </div>
  );
}

function TaskCard() {
  const { task, store } = useLoaderData<typeof loader>();
  const { t } = useTranslation("tasks");
  return (
    <Card title={t("page.description")} testId="task-card">
      {task.description ? <p className="whitespace-pre-wrap break-words text-sm text-slate-800" data-testid="task-description">{task.description}</p> : <p className="text-sm text-slate-500">{t("page.noDescription")}</p>}
      <dl className="mt-3 divide-y divide-slate-100 border-t border-slate-100 text-sm">
        <Row label={t("page.due")}>
          <DueDate dueAt={task.dueAt} isOverdue={task.isOverdue} store={store} />
        </Row>
        <Row label={t("page.assignee")}>
          <span data-testid="task-assignee">{task.assignee?.name ?? "—"}</span>
        </Row>
        <Row label={t("page.created")}>{formatDateTime(task.createdAt, store.locale, store.timeZone)}</Row>
      </dl>
    </Card>
  );
}

function OriginCard() {
  const { origin, customerName: name, customer, store } = useLoaderData<typeof loader>();
  const { t } = useTranslation("tasks");
  if (!origin) {
    return (
      <Card title={t("page.why")}>
        <p className="text-sm text-slate-500">{t("page.byHand")}</p>
      </Card>
    );
  }
  const who = name ?? t("page.theCustomer");
  const segment = origin.segment?.name ?? t("page.segmentGone");
  const left = origin.event.kind === "left";
  const sentence = origin.event.at
    ? t(left ? "page.left" : "page.entered", { name: who, segment, at: formatDateTime(origin.event.at, store.locale, store.timeZone) })
    : t(left ? "page.leftNoTime" : "page.enteredNoTime", { name: who, segment });
  return (
    <Card title={t("page.why")} testId="task-origin">
      <dl className="text-sm">
        <Row label={t("page.automation")}>
          {origin.automation.isDeleted ? (
            <>
              {origin.automation.name} <span className="text-slate-500">{t("page.automationDeleted")}</span>
            </>
          ) : (
            <Link to={`/automations/${origin.automation.id}`} className="text-indigo-700 hover:underline" data-testid="task-automation">
              {origin.automation.name}
            </Link>
          )}
        </Row>
      </dl>
      <p className="mt-2 text-sm text-slate-800" data-testid="task-event">
        {sentence}
      </p>
      {customer && !left && (
        <div className="mt-2 text-sm" data-testid="task-reasons">
          {origin.membership ? (
            <>
              <div className="text-xs font-medium uppercase tracking-wide text-slate-500">{t("page.reasons")}</div>
              <MembershipReasons membership={origin.membership} wording={wordingFrom(customer.store, customer.segments.names)} />
            </>
          ) : (
            <p className="text-slate-500">{t("page.notInNow")}</p>
          )}
        </div>
      )}
    </Card>
  );
}

function CommentsCard() {
  const { comments, store, mayWork } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("tasks");
  const error = answer?.intent === "comment" ? answer.fieldErrors?.body : undefined;
  return (
    <Card title={t("page.comments")} testId="task-comments">
      {comments.length === 0 ? (
        <p className="text-sm text-slate-500">{t("page.noComments")}</p>
      ) : (
        <ol className="space-y-3">
          {comments.map((c) => (
            <li key={c.id} className="text-sm" data-testid="task-comment">
              <div className="flex flex-wrap items-baseline justify-between gap-x-2">
                <span className="font-medium text-slate-900">{c.author ?? t("page.unknownUser")}</span>
                <time dateTime={c.at} className="text-xs text-slate-500">
                  {formatDateTime(c.at, store.locale, store.timeZone)}
                </time>
              </div>
              <p className="mt-0.5 whitespace-pre-wrap break-words text-slate-800">{c.body}</p>
            </li>
          ))}
        </ol>
      )}
      {mayWork && (
        // a new key after each comment empties the box
        <Form method="post" className="mt-4 space-y-2 border-t border-slate-100 pt-3" key={comments.length}>
          <AuthenticityTokenInput />
          <input type="hidden" name="intent" value="comment" />
          <label className="block text-sm">
            <span className="label">{t("page.commentLabel")}</span>
            <textarea name="body" rows={3} maxLength={5000} className="input mt-1 w-full" aria-invalid={error ? true : undefined} aria-describedby={error ? "comment-error" : undefined} data-testid="task-comment-body" />
          </label>
          {error && (
            <p id="comment-error" className="text-sm text-rose-700" role="alert">
              {t("page.fieldError", { field: t("page.commentLabel"), reason: error })}
            </p>
          )}
          <button type="submit" className="btn" disabled={navigation.state === "submitting"} data-testid="task-comment-submit">
            {t("page.commentSubmit")}
          </button>
        </Form>
      )}
    </Card>
  );
}

function Reassign() {
  const { people } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const { t } = useTranslation("tasks");
  const { t: tc } = useTranslation("common");
  const error = answer?.intent === "reassign" ? answer.fieldErrors?.assigneeId : undefined;
  const [open, setOpen] = useState(Boolean(error));
  return (
    <>
      <button type="button" className="btn-secondary" onClick={() => setOpen(true)} data-testid="task-reassign">
        {t("page.reassign")}
      </button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t("page.reassignTitle")} testId="reassign-dialog">
        <Form method="post" className="space-y-4">
          <AuthenticityTokenInput />
          <input type="hidden" name="intent" value="reassign" />
          <label className="block text-sm">
            <span className="label">{t("page.reassignTo")}</span>
            <select name="assigneeId" className="input mt-1 w-full" defaultValue="" required data-testid="task-reassign-to">
              <option value="" disabled>
                —
              </option>
              {people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({tc(`roles.${p.role}`)})
                </option>
              ))}
            </select>
          </label>
          <p className="text-xs text-slate-500">{t("page.reassignNote")}</p>
          {error && (
            <p className="text-sm text-rose-700" role="alert">
              {t("page.fieldError", { field: t("page.reassignTo"), reason: error })}
            </p>
          )}
          <div className="flex flex-wrap justify-end gap-2">
            <button type="button" className="btn-secondary" onClick={() => setOpen(false)}>
              {tc("cancel")}
            </button>
            <button type="submit" className="btn" data-testid="task-reassign-submit">
              {t("page.reassignConfirm")}
            </button>
          </div>
        </Form>
      </Dialog>
    </>
  );
}

/** Beside the task: the customer's own cards from the customer page, or why they are not shown. */
function CustomerPanel() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("tasks");
  const { customer } = data;
  if (!customer) {
    const text =
      data.customerState === "notYours" ? t("page.notYours") : data.customerState === "unassigned" ? t("page.unassigned") : data.customerState === "gone" ? t("page.customerGone") : t("list.noCustomer");
    return (
      <Card title={data.customerName ?? t("page.customer")} testId="task-customer-hidden">
        <p className="text-sm text-slate-600">{text}</p>
      </Card>
    );
  }
  const panel = customer as unknown as CustomerData;
  return (
    <>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="break-words text-lg font-semibold text-slate-900" data-testid="task-customer-name">
          {data.customerName}
        </h2>
        <div className="flex items-center gap-2">
          <ConsentBadge acceptsMarketing={panel.profile.acceptsMarketing} />
          <Link to={`/customers/${panel.profile.id}`} className="text-sm text-indigo-700 hover:underline">
            {t("page.openCustomer")} →
          </Link>
        </div>
      </div>
      {/* profile beside channels and segments; the orders and the history take the panel's whole width, as on the customer page */}
      <div className="grid gap-5 xl:grid-cols-2">
        <div className="min-w-0">
          <ProfileCard data={panel} />
        </div>
        <div className="min-w-0 space-y-5">
          <ChannelsCard data={panel} />
          <SegmentsCard data={panel} />
        </div>
      </div>
      <OrdersCard data={panel} />
      <TimelineCard data={panel} />
    </>
  );
}

type CustomerData = Parameters<typeof ProfileCard>[0]["data"];
export type TaskPageData = LoaderData;

/** Another manager's task, or none: one sentence and the way back. */
export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation("tasks");
  if (!isRouteErrorResponse(error) || error.status !== 404) return <GeneralErrorBoundary />;
  return (
    <div className="card max-w-2xl" role="alert" data-testid="task-error">
      <h1 className="page-title">{t("page.notFoundTitle")}</h1>
      <p className="mt-2 text-slate-700">{t("page.notFound")}</p>
      <Link to="/tasks" className="btn-secondary mt-4">
        ← {t("page.backToList")}
      </Link>
    </div>
  );
}
