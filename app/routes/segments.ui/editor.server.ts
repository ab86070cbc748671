// The loader and action the new-segment and edit-segment pages share: the editor's vocabulary,
// saving (then recomputing), and a manual segment's members by hand or by CSV.
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { parse as parseCsv } from "csv-parse/sync";
import { z } from "zod/v4";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import {
  addMembers,
  customerIdsByExternalId,
  getSegment,
  listSegmentMembers,
  removeMembers,
  saveThenCompute,
  segmentScheduleHooks,
  announceIfLong,
  segmentVocabulary,
} from "~/domain/segments.server";
import { currencyDigits, type DraftError } from "~/components/segments/catalogue";
import { getStoreForReader } from "~/i18n.server";
import { msg } from "../../../models/messages";

export const MANUAL_PAGE = 50;
/** A CSV of ids larger than this is refused before it is read. */
export const CSV_LIMIT_BYTES = 5 * 1024 * 1024;
const CSV_MAX_IDS = 100_000;

/** The segment id in the URL, or a 404. */
export function segmentIdParam(raw: string | undefined): number {
  if (!/^\d{1,10}$/.test(raw ?? "")) throw new Response(msg("segments.noSuchSegment"), { status: 404, statusText: "Not Found" });
  return Number(raw);
}

export async function loadEditor({ request, context }: LoaderFunctionArgs, segmentId?: number) {
  const user = await requireRole(request, context, "admin", "marketer");
  const db = context.services.db;
  const [vocabulary, store, segment] = await Promise.all([segmentVocabulary(db), getStoreForReader(request, context), segmentId ? getSegment(db, segmentId) : Promise.resolve(null)]);
  if (segmentId && !segment) throw new Response(msg("segments.noSuchSegment"), { status: 404, statusText: "Not Found" });
  const members = segment?.type === "manual" ? await listSegmentMembers(db, segment.id, { limit: MANUAL_PAGE }) : null;
  return json({
    user: { role: user.role },
    store: { ...store, moneyDigits: currencyDigits(store.currency) },
    vocabulary,
    segment: segment
      ? {
          id: segment.id,
          name: segment.name,
          code: segment.code,
          type: segment.type,
          isActive: segment.isActive,
          match: segment.match,
          criteria: segment.criteria,
          recomputeEveryMinutes: segment.recomputeEveryMinutes,
          memberCount: segment.memberCount,
          isLocked: segment.type === "snapshot" && segment.lockedAt !== null,
        }
      : null,
    members: members ? { rows: members.rows, hasMore: members.nextAfter !== null } : null,
  });
}

/** Every answer of the editor's action has this shape. */
export interface EditorAnswer {
  intent: string;
  errors?: DraftError[];
  /** Manual members: how many changed, how many were already so, and external ids that are not customers. */
  members?: { changed: number; unchanged: number; unknown: string[]; unknownCount: number };
  problem?: string;
}

const SaveForm = z.object({ intent: z.literal("save"), definition: z.string().max(2_000_000) });
const MemberForm = z.object({ intent: z.enum(["add", "remove"]), customerId: z.coerce.number().int().positive() });
const UploadForm = z.object({ intent: z.literal("upload"), mode: z.enum(["add", "remove"]) });

const answer = (data: EditorAnswer, status = 200) => json(data, { status });

/** The external ids of a CSV: its first column, without a header row naming it. */
export function externalIdsOfCsv(text: string): string[] {
  const rows = parseCsv(text.replace(/^\uFEFF/, ""), { relax_column_count: true, skip_empty_lines: true, trim: true, delimiter: [",", ";", "\t"] }) as string[][];
  const ids = rows.map((r) => r[0] ?? "").filter(Boolean);
  if (ids.length && /^(external[ _-]?id|id|customer|customer[ _-]?id)$/i.test(ids[0])) ids.shift();
  return ids;
}

export async function editorAction({ request, context }: ActionFunctionArgs, segmentId?: number) {
  const user = await requireRole(request, context, "admin", "marketer");
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > CSV_LIMIT_BYTES + 64 * 1024) return answer({ intent: "upload", problem: "tooLarge" }, 413);
  const form = await readForm(request, context);
  const { db, segments: engine } = context.services;
  const actor = { userId: user.id, ip: context.clientIp };
  const intent = String(form.get("intent"));
  const now = new Date();

  if (intent === "save") {
    const parsed = SaveForm.safeParse(Object.fromEntries(form));
    if (!parsed.success) return answer({ intent, errors: [{ field: "(body)", reason: msg("segments.noDefinition") }] }, 400);
    let input: unknown;
    try {
      input = JSON.parse(parsed.data.definition);
    } catch {
      return answer({ intent, errors: [{ field: "(body)", reason: msg("segments.definitionNotJson") }] }, 400);
    }
    // the recompute schedule follows the save, in its transaction
    const saved = await saveThenCompute(engine, input, actor, now, segmentId, segmentScheduleHooks(context.services.jobs, () => now));
    if (!saved.ok) return answer({ intent, errors: saved.errors }, 422);
    const s = saved.segment;
    await announceIfLong(context.services.jobs, s.id, saved.recompute, { publicUrl: context.services.config.publicUrl, now });
    return redirect(s.type === "manual" && segmentId === undefined ? `/segments/${s.id}/edit?created=1` : `/segments/${s.id}?saved=1`);
  }

  if (segmentId === undefined) return answer({ intent, problem: "badRequest" }, 400);

  if (intent === "add" || intent === "remove") {
    const parsed = MemberForm.safeParse(Object.fromEntries(form));
    if (!parsed.success) return answer({ intent, problem: "badRequest" }, 400);
    const change = intent === "add" ? addMembers : removeMembers;
    const out = await change(db, segmentId, [parsed.data.customerId], now, actor);
    if (!out.ok) return answer({ intent, problem: out.reason }, out.reason === "missing" ? 404 : 409);
    return answer({ intent, members: { changed: out.changed, unchanged: out.unchanged, unknown: [], unknownCount: 0 } });
  }

  if (intent === "upload") {
    const parsed = UploadForm.safeParse({ intent, mode: form.get("mode") });
    const file = form.get("file");
    if (!parsed.success || !(file instanceof Blob)) return answer({ intent, problem: "noFile" }, 400);
    if (file.size > CSV_LIMIT_BYTES) return answer({ intent, problem: "tooLarge" }, 413);
    let externalIds: string[];
    try {
      externalIds = externalIdsOfCsv(await file.text());
    } catch {
      return answer({ intent, problem: "unreadable" }, 422);
    }
    if (externalIds.length === 0) return answer({ intent, problem: "empty" }, 422);
    if (externalIds.length > CSV_MAX_IDS) return answer({ intent, problem: "tooMany" }, 422);
    const { ids, unknown } = await customerIdsByExternalId(db, externalIds);
    const change = parsed.data.mode === "add" ? addMembers : removeMembers;
    const out = await change(db, segmentId, ids, now, actor);
    if (!out.ok) return answer({ intent, problem: out.reason }, out.reason === "missing" ? 404 : 409);
    return answer({ intent, members: { changed: out.changed, unchanged: out.unchanged, unknown: unknown.slice(0, 20), unknownCount: unknown.length } });
  }

  return answer({ intent, problem: "badRequest" }, 400);
}
