// The export endpoints of /api/v1: what they take and answer. contract.server.ts merges them into
// the API's contract, so the routes validate with these schemas and the OpenAPI document is
// generated from them.
import { z } from "zod/v4";
import { msg, zmsg } from "../../models/messages";
import { SegmentCode } from "../../segments/definition";
import { DEFAULT_COLUMNS, EXPORT_FORMATS, ExportColumns, FIXED_COLUMNS, isUsableDelimiter } from "../../models/exports/columns";
import { CUSTOMER_SORTS, LIST_CHANNELS, MAX_SEGMENT_FILTERS } from "../../models/customers/list-query";
import { EXPORT_STATUSES } from "../../models/export-models";
import type { EndpointContract } from "./contract.server";

const Moment = z.iso.datetime().meta({ example: "2026-03-01T09:30:00.000Z" });
const Id = z.string().regex(/^[1-9]\d{0,9}$/, zmsg("admin.notExportId"));

const segmentCodes = z
  .array(SegmentCode, zmsg("admin.segmentCodesType"))
  .min(1, zmsg("admin.nameSegment"))
  .max(MAX_SEGMENT_FILTERS, zmsg("admin.segmentsMax", { count: MAX_SEGMENT_FILTERS }));

export const ExportCustomerFilters = z
  .strictObject({
    q: z.string().trim().min(1).max(200).optional().meta({ description: "The customer list's search: a name, email, phone or external id." }),
    country: z.string().regex(/^[A-Za-z]{2}$/, zmsg("admin.countryCode")).optional(),
    group: z.string().min(1).max(200).optional().meta({ description: "A customer group, by name." }),
    tag: z.string().min(1).max(200).optional().meta({ description: "A tag, by name." }),
    manager: z.string().min(1).max(320).optional().meta({ description: "The responsible manager's email, or none for customers nobody is responsible for." }),
    marketing: z.enum(["yes", "no"], zmsg("admin.yesOrNo")).optional(),
    channel: z.enum(LIST_CHANNELS).optional().meta({ description: "Subscribed on this channel." }),
    segment: segmentCodes.optional().meta({ description: "Members of every one of these segments." }),
    notSegment: segmentCodes.optional().meta({ description: "Members of none of these segments." }),
    sort: z.enum(CUSTOMER_SORTS).optional().meta({ description: "The rows' order, as the customer list sorts (default newest)." }),
  })
  .meta({ description: "The customer list's search and filters: the export holds the customers they match." });

export const ExportInput = z
  .strictObject({
    segment: SegmentCode.optional().meta({ description: "Export this segment's members (by code), in customer id order." }),
    customers: ExportCustomerFilters.optional(),
    format: z.enum(EXPORT_FORMATS, zmsg("admin.exportFormat")).default("csv"),
    columns: ExportColumns.default([...DEFAULT_COLUMNS]).meta({
      description: `The columns, in order: ${FIXED_COLUMNS.join(", ")} (enteredAt only for a segment), or field:<custom field key>.`,
    }),
    delimiter: z
      .string()
      .refine(isUsableDelimiter, zmsg("admin.delimiter"))
      .default(",")
      .meta({ description: "The CSV field delimiter: one character, e.g. , ; or a tab." }),
    bom: z.boolean().default(false).meta({ description: "Start the CSV with a UTF-8 byte order mark, so Excel reads Cyrillic and Greek." }),
  })
  .superRefine((input, ctx) => {
    if ((input.segment === undefined) === (input.customers === undefined)) ctx.addIssue({ code: "custom", path: ["segment"], message: msg("admin.segmentOrCustomers") });
  })
  .meta({ description: "What to export: a segment's members or the filtered customers, as CSV or XLSX with the chosen columns. Formula-like text cells get a leading apostrophe." });

export const ExportRecord = z
  .strictObject({
    id: z.number().int(),
    status: z.enum(EXPORT_STATUSES).meta({ description: "queued, running, done (the file can be downloaded), failed, or expired (the file was deleted)." }),
    source: z.enum(["segment", "customers"]),
    segment: z.strictObject({ code: z.string(), name: z.string() }).nullable(),
    filters: z.record(z.string(), z.unknown()).nullable().meta({ description: "The customer filters of a customers export." }),
    format: z.enum(EXPORT_FORMATS),
    columns: z.array(z.string()),
    totalRows: z.number().int().meta({ description: "Rows counted when the export was asked for." }),
    writtenRows: z.number().int(),
    percent: z.number().int().min(0).max(100),
    fileName: z.string(),
    fileSize: z.number().int().nullable(),
    fileUrl: z.string().nullable().meta({ description: "Where to download the file while the export is done: GET with the same API key." }),
    error: z.string().nullable(),
    createdAt: Moment,
    startedAt: Moment.nullable(),
    finishedAt: Moment.nullable(),
    expiresAt: Moment.nullable().meta({ description: "When the file is deleted." }),
  })
  .meta({ description: "An export: its progress, and its file once done." });
export type ExportRecord = z.infer<typeof ExportRecord>;

const idParam = { id: { description: "The export's id.", schema: Id } };

export const exportContract = {
  createExport: {
    operationId: "createExport",
    method: "POST",
    path: "/exports",
    summary: "Export a segment's members or the filtered customers",
    description:
      "Counts the rows and starts a background export that writes the file a batch at a time; poll GET /exports/{id} until done, then download fileUrl. Every export is in the audit log. The file is deleted after the store's keep time.",
    tag: "Exports",
    scope: "exports:read",
    body: { schema: ExportInput, limitBytes: 64 * 1024 },
    responses: { 202: { description: "The export is queued.", schema: ExportRecord } },
  },
  getExport: {
    operationId: "getExport",
    method: "GET",
    path: "/exports/{id}",
    summary: "An export's state and progress",
    description: "Only exports made with the same API key.",
    tag: "Exports",
    scope: "exports:read",
    pathParams: idParam,
    responses: { 200: { description: "The export.", schema: ExportRecord } },
  },
  downloadExport: {
    operationId: "downloadExport",
    method: "GET",
    path: "/exports/{id}/file",
    summary: "Download a finished export's file",
    description: "409 while the export is not done; 410 once its file has expired.",
    tag: "Exports",
    scope: "exports:read",
    pathParams: idParam,
    responses: { 200: { description: "The file: CSV (text/csv) or XLSX.", file: ["text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] } },
  },
} satisfies Record<string, EndpointContract>;

export const EXPORT_SCHEMA_NAMES: Array<[string, z.ZodType]> = [
  ["ExportInput", ExportInput],
  ["ExportCustomerFilters", ExportCustomerFilters],
  ["ExportRecord", ExportRecord],
];
