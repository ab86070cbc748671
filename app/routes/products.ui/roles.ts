import type { Role } from "../../../models/models";

/** Who opens the products pages: admins and marketers (managers work their own customers). */
export const PRODUCT_READERS: Role[] = ["admin", "marketer"];
/** Who changes which segments see a variant: what the shop shows is an admin's setting, like the API keys it reads it with. */
export const PRODUCT_EDITORS: Role[] = ["admin"];
