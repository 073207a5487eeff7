/** Requests the view works on at once by default (`serve --max-in-flight`); past it: 503 with Retry-After. */
export const DEFAULT_MAX_IN_FLIGHT = 16;
