import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { finished } from "node:stream/promises";
import { once } from "node:events";
import {
  json,
  redirect,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  type UploadHandler,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { z } from "../../models/zod";
import { isFormTokenOfSession, requireRole } from "~/auth/session.server";
import { createImport, recordAudit } from "~/domain/imports.server";
import { msg } from "../../models/messages";
import { FORM_EXPIRED } from "~/auth/forms.server";
import { formatBytes } from "./imports.ui/parts";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(matches, titled("newImport")) }];

const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;

/** The largest file an import takes; IMPORT_MAX_BYTES overrides the 1 GB default. */
function importMaxBytes(): number {
  const configured = Number(process.env.IMPORT_MAX_BYTES);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_MAX_BYTES;
}

/** The upload form's schema; the browser checks the size before sending, the server again while receiving. */
function uploadSchema(maxBytes: number) {
  return z.object({
    file: z
      .instanceof(File, { message: "missing" })
      .refine((f) => f.size > 0 || f.name !== "", "missing")
      .refine((f) => f.size <= maxBytes, "tooLarge"),
  });
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireRole(request, context, "admin", "marketer");
  return json({ maxBytes: importMaxBytes() });
}

type UploadProblem = "missing" | "tooLarge" | "empty" | "spreadsheet" | "binary" | "unreadable";

const refuse = (problem: UploadProblem, status: number) =>
  json({ result: { status: "error", error: { file: [problem] } } satisfies SubmissionResult<string[]> }, { status });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireRole(request, context, "admin", "marketer");
  if (!request.headers.get("Content-Type")?.startsWith("multipart/form-data")) return refuse("missing", 400);
  const maxBytes = importMaxBytes();
  const directory = path.join(context.services.config.dataDir, "imports");
  let token: string | null = null;
  let isTokenChecked = false;
  let isTooLarge = false;
  let upload: { filePath: string; fileName: string; size: number } | null = null;

  // The CSRF token field comes before the file in the form, so a forged post is refused before a
  // byte of its file reaches the disk.
  const checkToken = async () => {
    if (!(await isFormTokenOfSession(request, context, token))) {
      throw new Response(msg("ingest.formExpired"), { status: 403, statusText: FORM_EXPIRED });
    }
    isTokenChecked = true;
  };

  const receive: UploadHandler = async ({ name, filename, data }) => {
    if (name === "csrf" && filename === undefined) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of data) if (chunks.length < 16) chunks.push(chunk);
      token = Buffer.concat(chunks).toString("utf8").slice(0, 512);
      return token;
    }
    if (name !== "file" || !filename || upload) {
      for await (const _ of data) void _;
      return undefined;
    }
    await checkToken();
    await fsp.mkdir(directory, { recursive: true });
    const filePath = path.join(directory, `${crypto.randomUUID()}.csv`);
    const out = fs.createWriteStream(filePath);
    let size = 0;
    try {
      for await (const chunk of data) {
        size += chunk.byteLength;
        // past the limit the rest is read and dropped, so the browser receives the answer, not a reset
        if (size > maxBytes) isTooLarge = true;
        else if (!out.write(chunk)) await once(out, "drain");
      }
    } finally {
      out.end();
      await finished(out);
    }
    if (isTooLarge) {
      await fsp.rm(filePath, { force: true });
      return undefined;
    }
    upload = { filePath, fileName: displayName(filename), size };
    return filePath;
  };

  try {
    await unstable_parseMultipartFormData(request, receive);
  } catch (error) {
    if (upload) await fsp.rm((upload as { filePath: string }).filePath, { force: true });
    if (error instanceof Response) throw error;
    context.services.log.warn({ err: error }, "import upload could not be read");
    return refuse("missing", 400);
  }
  if (!isTokenChecked) await checkToken();
  if (isTooLarge) return refuse("tooLarge", 413);
  const received = upload as { filePath: string; fileName: string; size: number } | null;
  if (!received) return refuse("missing", 400);

  const db = context.services.db;
  const created = await createImport(db, { userId: user.id, fileName: received.fileName, filePath: received.filePath, fileSize: received.size });
  if (!created.ok) return refuse(created.problem, 422);
  await recordAudit(db, { userId: user.id, ip: context.clientIp }, "import.upload", { type: "import", id: created.id, detail: { fileName: received.fileName, size: received.size } });
  return redirect(`/imports/${created.id}`);
}

/** The file's own name without any folder a browser sent along, and without control characters. */
function displayName(filename: string): string {
  const base = filename.replace(/\\/g, "/").split("/").pop() ?? "";
  return base.replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, 255) || "upload.csv";
}

export default function NewImport() {
  const { maxBytes } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, i18n } = useTranslation("imports");
  const schema = uploadSchema(maxBytes);
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  const max = formatBytes(maxBytes, i18n.language);
  const problem = fields.file.errors?.[0] as UploadProblem | undefined;
  const isUploading = navigation.state === "submitting";
  return (
    <div className="max-w-2xl space-y-4">
      <div>
        <Link to="/imports" className="text-sm text-indigo-700 hover:underline">
          ← {t("upload.cancel")}
        </Link>
        <h1 className="page-title mt-1">{t("upload.title")}</h1>
      </div>
      <div className="card space-y-4">
        <p className="text-sm text-slate-700">{t("upload.intro")}</p>
        <Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="space-y-4">
          <AuthenticityTokenInput />
          <div>
            <label className="label" htmlFor={fields.file.id}>
              {t("upload.file")}
            </label>
            <input
              {...getInputProps(fields.file, { type: "file", ariaDescribedBy: `${fields.file.id}-help` })}
              accept=".csv,.txt,.tsv,text/csv,text/plain,text/tab-separated-values"
              className="mt-1 block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-indigo-50 file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-indigo-700 hover:file:bg-indigo-100"
            />
            <p className="mt-1 text-xs text-slate-500" id={`${fields.file.id}-help`}>
              {t("upload.hint", { max })}
            </p>
            {problem && (
              <p className="field-error" id={fields.file.errorId} role="alert">
                {t(`upload.errors.${problem}`, { max })}
              </p>
            )}
          </div>
          <button type="submit" className="btn" disabled={isUploading}>
            {isUploading ? t("upload.uploading") : t("upload.submit")}
          </button>
        </Form>
      </div>
    </div>
  );
}
