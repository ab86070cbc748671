// "Why isn't this customer in…?" on the customer page: one segment's criteria against the
// customer's values now, asked by the segments card's picker. A manager asks only about the
// customers assigned to them (docs/decisions/0015); nothing of another's customer comes back.
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "../../models/zod";
import { zmsg } from "../../models/messages";
import { requireUser } from "~/auth/session.server";
import { judgeCustomer, segmentVocabulary } from "~/domain/segments.server";
import { namesUsedBy } from "~/components/segments/words";
import type { SegmentVerdict } from "../../segments/why-not.server";
import type { SegmentVocabulary } from "../../models/segments/vocabulary.server";

const WhyNotQuery = z.object({
  customerId: z.string().regex(/^\d{1,10}$/, zmsg("ingest.customers.customerId")).transform(Number),
  segment: z.string(zmsg("ingest.customers.chooseSegment")).regex(/^\d{1,10}$/, zmsg("ingest.customers.segmentId")).transform(Number),
});

export type WhyNotAnswer =
  | { verdict: SegmentVerdict; names: Pick<SegmentVocabulary, "customFields" | "questions" | "categories" | "segments"> }
  | { problem: "bad-request" | "forbidden" | "customer-not-found" | "segment-not-found"; field?: string; reason?: string };

const STATUS = { "bad-request": 400, forbidden: 403, "customer-not-found": 404, "segment-not-found": 404 } as const;

const answer = (data: WhyNotAnswer) => json<WhyNotAnswer>(data, { status: "problem" in data ? STATUS[data.problem] : 200, headers: { "Cache-Control": "no-store" } });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const parsed = WhyNotQuery.safeParse({ customerId: params.id, segment: new URL(request.url).searchParams.get("segment") ?? undefined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue.path[0] === "customerId") return answer({ problem: "customer-not-found" });
    return answer({ problem: "bad-request", field: String(issue.path[0]), reason: issue.message });
  }
  const { services } = context;
  const outcome = await judgeCustomer(services.segments, { customerId: parsed.data.customerId, segmentId: parsed.data.segment, viewer: { id: user.id, role: user.role }, now: new Date() });
  if (!outcome.ok) return answer({ problem: outcome.reason });
  const vocabulary = await segmentVocabulary(services.db);
  return answer({ verdict: outcome.verdict, names: namesUsedBy(vocabulary, outcome.verdict.segment.criteria) });
}
