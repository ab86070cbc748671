// What a marketer can do to a campaign from its page besides editing it. Browser-safe: the page's
// buttons and its action's schema both use the list.
export const CONTROL_ACTIONS = ["start", "pause", "resume", "cancel", "resendNotReached", "resendUnknown"] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];
