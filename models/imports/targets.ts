// What a column of an import file can become: a field of CustomerInput (models/ingest/schemas.ts),
// a custom profile field, a registration question, a channel's subscription or address, or nothing.
// Browser-safe: the mapping step's selects and its form schema use these.
import type { Channel, CustomFieldType } from "../models";
import { msg } from "../messages";

// models.ts's CHANNELS, repeated because importing models.ts would bring Sequelize into the browser
const CHANNELS = ["email", "sms", "messenger", "viber"] as const satisfies readonly Channel[];

export const PROFILE_TARGETS = [
  "externalId",
  "firstName",
  "lastName",
  "email",
  "phone",
  "country",
  "city",
  "birthday",
  "registeredAt",
  "acceptsMarketing",
  "customerGroup",
  "tags",
  "managerEmail",
  "locale",
  "firstInteractionAt",
  "lastInteractionAt",
] as const;
export type ProfileTarget = (typeof PROFILE_TARGETS)[number];

export const IGNORE = "ignore";

export const channelTarget = (channel: Channel, part: "subscribed" | "address") => `channels.${channel}.${part}`;
export const CHANNEL_TARGETS = CHANNELS.flatMap((c) => [channelTarget(c, "subscribed"), channelTarget(c, "address")]);

/** The shape of every target name; whether a custom field or question exists is checked on the server. */
export const TARGET_PATTERN = new RegExp(
  `^(${IGNORE}|${PROFILE_TARGETS.join("|")}|channels\\.(${CHANNELS.join("|")})\\.(subscribed|address)|customFields\\.[^\\s]{1,64}|answers\\.[^\\s]{1,64})$`,
);

/** The store's own custom fields and registration questions, which add targets. */
export interface TargetCatalogue {
  customFields: Array<{ key: string; label: string; type: CustomFieldType; options: string[] }>;
  questions: Array<{ key: string; text: string; options: Array<{ key: string; label: string }> }>;
}

/** Every target a column may take in this store, in the order the mapping select lists them. */
export function allTargets(catalogue: TargetCatalogue): string[] {
  return [
    ...PROFILE_TARGETS,
    ...CHANNEL_TARGETS,
    ...catalogue.customFields.map((f) => `customFields.${f.key}`),
    ...catalogue.questions.map((q) => `answers.${q.key}`),
  ];
}

export interface MappingProblem {
  /** The column (0-based) the problem is about, or null for the mapping as a whole. */
  column: number | null;
  message: string;
}

/** What is wrong with a list of targets, one per column, that holds for every store. */
export function mappingProblems(targets: string[]): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const firstColumn = new Map<string, number>();
  targets.forEach((target, column) => {
    if (target === IGNORE) return;
    const seen = firstColumn.get(target);
    if (seen !== undefined) problems.push({ column, message: msg("ingest.import.mappedTwice", { column: seen + 1 }) });
    else firstColumn.set(target, column);
  });
  if (!firstColumn.has("externalId")) problems.push({ column: null, message: msg("ingest.import.needsExternalId") });
  for (const channel of CHANNELS) {
    const address = firstColumn.get(channelTarget(channel, "address"));
    if (address !== undefined && !firstColumn.has(channelTarget(channel, "subscribed"))) {
      problems.push({ column: address, message: msg("ingest.import.needsSubscribed", { channel }) });
    }
  }
  return problems;
}
