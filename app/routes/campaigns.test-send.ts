import type { ActionFunctionArgs } from "@remix-run/node";
import { testSendAction } from "./campaigns.ui/try-out.server";

/** The campaign form's test send: one channel's message to the signed-in marketer (marketers and admins). */
export const action = (args: ActionFunctionArgs) => testSendAction(args);
