/** What a step gives back when failing is an answer, not an exception: the value, or why not. */
export type Result<T, E = string> = { ok: true; value: T } | { ok: false; error: E };
