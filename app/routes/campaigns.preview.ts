import type { ActionFunctionArgs } from "@remix-run/node";
import { previewAction } from "./campaigns.ui/try-out.server";

/** The campaign form's preview: the unsaved chain rendered for a customer the marketer picks (marketers and admins). */
export const action = (args: ActionFunctionArgs) => previewAction(args);
