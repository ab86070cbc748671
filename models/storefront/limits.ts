// Browser-safe limits of the storefront's restrictions, shared by the product page's form and the API.

/** At most this many segments per variant: a restriction names a few audiences, not a catalogue. */
export const MAX_SEGMENTS_PER_VARIANT = 20;
