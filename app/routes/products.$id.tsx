import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { z } from "../../models/zod";
import { MAX_SEGMENTS_PER_VARIANT } from "../../models/storefront/limits";
import { msg, zmsg } from "../../models/messages";
import { requireRole } from "~/auth/session.server";
import { readForm } from "~/auth/forms.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";
import { DataTable } from "~/components/ui/DataTable";
import { Dialog } from "~/components/ui/Dialog";
import { Notice } from "~/components/segments/parts";
import { formatMoney } from "~/format";
import { getProduct, getStoreSettings, restrictionChoices, setVariantSegments } from "~/domain/storefront.server";
import { PRODUCT_EDITORS, PRODUCT_READERS } from "./products.ui/roles";
import { pageTitle, titled } from "~/title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [{ title: pageTitle(matches, data?.product.name ?? titled("product"), titled("products")) }];

const productIdOf = (params: Record<string, string | undefined>) => {
  const id = Number(params.id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new Response(msg("admin.noSuchProduct"), { status: 404, statusText: "Not Found" });
  return id;
};

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, context, ...PRODUCT_READERS);
  const db = context.services.db;
  const [product, store] = await Promise.all([getProduct(db, productIdOf(params)), getStoreSettings(db)]);
  if (!product) throw new Response(msg("admin.noSuchProduct"), { status: 404, statusText: "Not Found" });
  const canEdit = (PRODUCT_EDITORS as readonly string[]).includes(user.role);
  return json({ product, store: { locale: store.locale, currency: store.currency }, canEdit, choices: canEdit ? await restrictionChoices(db) : [] });
}

const RestrictSchema = z.object({
  intent: z.literal("restrict"),
  variantId: z.coerce.number().int().positive(),
  segmentIds: z
    .array(z.coerce.number(zmsg("admin.notSegment")).int(zmsg("admin.notSegment")).positive(zmsg("admin.notSegment")))
    .max(MAX_SEGMENTS_PER_VARIANT, zmsg("admin.chooseSegmentsMax", { count: MAX_SEGMENTS_PER_VARIANT })),
});

interface RestrictAnswer {
  variantId?: number;
  variantName?: string;
  saved?: { segments: string[]; isChanged: boolean };
  errors?: Array<{ field: string; reason: string }>;
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireRole(request, context, ...PRODUCT_EDITORS);
  const form = await readForm(request, context);
  const db = context.services.db;
  const product = await getProduct(db, productIdOf(params));
  if (!product) throw new Response(msg("admin.noSuchProduct"), { status: 404, statusText: "Not Found" });
  const parsed = RestrictSchema.safeParse({ intent: form.get("intent"), variantId: form.get("variantId"), segmentIds: form.getAll("segmentIds") });
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ field: i.path.join("."), reason: i.message }));
    return json<RestrictAnswer>({ errors }, { status: 400 });
  }
  // a variant of this product only: the page's own rows, so a form cannot reach another product's
  const variant = product.variants.find((v) => v.id === parsed.data.variantId);
  if (!variant) return json<RestrictAnswer>({ errors: [{ field: "variantId", reason: msg("admin.notVariantOfProduct") }] }, { status: 404 });
  const out = await setVariantSegments(db, variant.id, { ids: parsed.data.segmentIds }, { userId: user.id, ip: context.clientIp }, new Date(), "segmentIds");
  if (!out.ok) return json<RestrictAnswer>({ variantId: variant.id, variantName: variant.name, errors: out.errors }, { status: 422 });
  return json<RestrictAnswer>({ variantId: variant.id, variantName: variant.name, saved: { segments: out.segments.map((s) => s.name), isChanged: out.isChanged } });
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type VariantRow = LoaderData["product"]["variants"][number];

export default function ProductPage() {
  const { product, store, canEdit, choices } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const { t } = useTranslation("storefront");
  // one dialog for the page, outside the table, for the variant being changed
  const [editing, setEditing] = useState<VariantRow | null>(null);
  useEffect(() => {
    if (answer?.saved) setEditing(null);
  }, [answer]);
  return (
    <div className="space-y-4">
      <div>
        <Link to="/products" className="text-sm text-indigo-700 hover:underline">
          ← {t("product.back")}
        </Link>
        <h1 className="page-title mt-1 break-words">{product.name}</h1>
        <p className="text-sm text-slate-500">
          {t("product.externalIdLabel")} <span className="break-all font-mono">{product.externalId}</span>
          {product.category && <span> · {t("product.category", { name: product.category })}</span>}
        </p>
      </div>
      <p className="max-w-3xl text-sm text-slate-600">{t("product.rule")}</p>

      {answer?.saved && (
        <Notice tone="success" testId="restriction-saved">
          {!answer.saved.isChanged
            ? t("product.unchanged", { name: answer.variantName })
            : answer.saved.segments.length
              ? t("product.saved", { name: answer.variantName, who: answer.saved.segments.join(", ") })
              : t("product.savedEveryone", { name: answer.variantName })}
        </Notice>
      )}
      {answer?.errors && (
        <Notice tone="error" testId="restriction-refused">
          {t("product.refused", { reasons: answer.errors.map((e) => `${e.field}: ${e.reason}`).join("; ") })}
        </Notice>
      )}

      <div className="card overflow-hidden p-0">
        <DataTable
          testId="variants-table"
          rows={product.variants}
          rowKey={(v) => v.id}
          rowProps={(v) => ({ "data-testid": `variant-row-${v.externalId}` })}
          empty={<p className="px-6 py-12 text-center text-sm text-slate-600">{t("product.noVariants")}</p>}
          columns={[
            {
              key: "variant",
              header: t("product.variant"),
              primary: true,
              className: "md:min-w-[12rem]",
              cell: (v) => (
                <>
                  <div className="break-words font-medium text-slate-900">{v.name}</div>
                  <div className="break-all font-mono text-xs text-slate-500">{v.externalId}</div>
                </>
              ),
            },
            { key: "sku", header: t("product.sku"), className: "break-all font-mono text-xs", cell: (v) => v.sku ?? "—" },
            { key: "price", header: t("product.price"), align: "right", className: "whitespace-nowrap tabular-nums", cell: (v) => formatMoney(v.price, store.currency, store.locale) },
            { key: "shownTo", header: t("product.shownTo"), cell: (v) => <ShownTo variant={v} /> },
            ...(canEdit
              ? [
                  {
                    key: "actions",
                    header: t("product.restrict"),
                    srOnlyHeader: true,
                    align: "right" as const,
                    cell: (v: VariantRow) => (
                      <button type="button" className="btn-secondary whitespace-nowrap" onClick={() => setEditing(v)} aria-label={t("product.restrictNamed", { name: v.name })} data-testid={`restrict-${v.externalId}`}>
                        {t("product.restrict")}
                      </button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </div>
      {canEdit && editing && <RestrictDialog key={editing.id} variant={editing} choices={choices} onClose={() => setEditing(null)} />}
    </div>
  );
}

function ShownTo({ variant }: { variant: VariantRow }) {
  const { t } = useTranslation("storefront");
  if (variant.segments.length === 0) return <span className="text-slate-500">{t("product.everyone")}</span>;
  return (
    <ul className="flex flex-wrap gap-1" data-testid="shown-to">
      {variant.segments.map((s) => (
        <li key={s.id} className={`badge ${s.isActive ? "bg-indigo-50 text-indigo-800" : "bg-slate-100 text-slate-500"}`} title={s.code}>
          {s.name}
          {!s.isActive && <span className="ml-1">({s.isDeleted ? t("product.deleted") : t("product.inactive")})</span>}
        </li>
      ))}
    </ul>
  );
}

/** The variant's segments as ticked boxes; a deleted segment it still names stays listed, ticked, until it is unticked. */
function RestrictDialog({ variant, choices, onClose }: { variant: VariantRow; choices: LoaderData["choices"]; onClose: () => void }) {
  const { t } = useTranslation("storefront");
  const navigation = useNavigation();
  const chosen = new Set(variant.segments.map((s) => s.id));
  const gone = variant.segments.filter((s) => s.isDeleted);
  const options = [...choices, ...gone.map((s) => ({ id: s.id, code: s.code, name: s.name, isActive: false }))];
  return (
    <Dialog open onClose={onClose} title={t("product.dialogTitle", { name: variant.name })} testId="restrict-dialog">
      <Form method="post" className="space-y-4">
        <AuthenticityTokenInput />
        <input type="hidden" name="variantId" value={variant.id} />
        <p className="whitespace-normal text-sm text-slate-600">{t("product.dialogHelp")}</p>
        {options.length === 0 ? (
          <p className="text-sm text-slate-500">{t("product.noSegments")}</p>
        ) : (
          <fieldset className="max-h-72 space-y-1 overflow-y-auto rounded-md border border-slate-200 p-2">
            <legend className="sr-only">{t("product.segmentsOf", { name: variant.name })}</legend>
            {options.map((s) => (
              <label key={s.id} className="flex items-start gap-2 rounded px-1 py-1 text-sm hover:bg-slate-50">
                <input type="checkbox" name="segmentIds" value={s.id} defaultChecked={chosen.has(s.id)} className="mt-0.5" />
                <span className="min-w-0 whitespace-normal">
                  <span className="font-medium text-slate-900">{s.name}</span>
                  {!s.isActive && <span className="ml-1 text-slate-500">({gone.some((g) => g.id === s.id) ? t("product.deleted") : t("product.inactive")})</span>}
                  <span className="block break-all font-mono text-xs text-slate-500">{s.code}</span>
                </span>
              </label>
            ))}
          </fieldset>
        )}
        <div className="flex flex-wrap justify-end gap-2">
          <button type="button" className="btn-secondary" onClick={onClose}>
            {t("product.cancel")}
          </button>
          <button type="submit" name="intent" value="restrict" className="btn" disabled={navigation.state === "submitting"} data-autofocus>
            {t("product.save")}
          </button>
        </div>
      </Form>
    </Dialog>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
