// The customer list's filters as segment criteria, for "Save these filters as a segment": the
// segment editor at /segments/new reads them from its `criteria` parameter. Browser-safe.
import type { Criterion } from "../../segments/definition";
import type { CustomerFilters } from "./list-query";

export const SEGMENT_CRITERIA_PARAM = "criteria";

/** segments/definition.ts's MAX_CRITERIA, repeated because that module loads Sequelize and this one runs in the browser. */
const MAX_CRITERIA = 4;

/**
 * Criteria that pick the customers the filters show, or null when the filters cannot be said as a
 * segment: the responsible manager is no criterion, and a segment has at most four. Group and tag are named, as criteria name them.
 */
export function criteriaForFilters(
  filters: CustomerFilters,
  names: { groups: Array<{ id: number; name: string }>; tags: Array<{ id: number; name: string }>; segments?: Array<{ id: number; code: string }> },
): Criterion[] | null {
  if (filters.manager !== undefined) return null;
  const criteria: Criterion[] = [];
  if (filters.country) criteria.push({ field: "country", values: [{ value: filters.country, mode: "include" }] });
  if (filters.group !== undefined) {
    const group = names.groups.find((g) => g.id === filters.group);
    if (!group) return null;
    criteria.push({ field: "customerGroup", values: [{ value: group.name, mode: "include" }] });
  }
  if (filters.tag !== undefined) {
    const tag = names.tags.find((t) => t.id === filters.tag);
    if (!tag) return null;
    criteria.push({ field: "tag", values: [{ value: tag.name, mode: "include" }] });
  }
  if (filters.marketing) criteria.push({ field: "acceptsMarketing", value: filters.marketing === "yes" });
  if (filters.channel) criteria.push({ field: "subscribedOn", channel: filters.channel });
  // membership of other segments is a criterion too, by the segment's code
  for (const [ids, isMember] of [[filters.segment, true], [filters.notSegment, false]] as const) {
    for (const id of ids ?? []) {
      const segment = names.segments?.find((s) => s.id === id);
      if (!segment) return null;
      criteria.push({ field: "segment", segment: segment.code, isMember });
    }
  }
  return criteria.length && criteria.length <= MAX_CRITERIA ? criteria : null;
}

/** The editor's address with the criteria, all of which must hold. */
export function newSegmentHref(criteria: Criterion[]): string {
  return `/segments/new?${new URLSearchParams({ [SEGMENT_CRITERIA_PARAM]: JSON.stringify(criteria) })}`;
}
