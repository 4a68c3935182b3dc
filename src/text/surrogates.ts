/** UTF-16 helpers, so text is never cut inside a character written as a surrogate pair (most emoji). */

export function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Whether cutting `text` at `index` would split a surrogate pair. */
export function splitsSurrogatePair(text: string, index: number): boolean {
  const after = text.charCodeAt(index);
  return isHighSurrogate(text.charCodeAt(index - 1)) && after >= 0xdc00 && after <= 0xdfff;
}
