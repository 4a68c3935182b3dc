/** HTTP validators: kept from a response, sent back so that an unchanged feed or page costs a 304. */
export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

/** A response's validators; where it gives none, those of `before`. */
export function validatorsOf(headers: Headers, before?: Validators): Validators {
  return {
    etag: headers.get('etag') ?? before?.etag ?? null,
    lastModified: headers.get('last-modified') ?? before?.lastModified ?? null,
  };
}

/** The headers asking for the body only if it changed since `validators` (none without them). */
export function conditionalHeaders(validators: Validators | null): Record<string, string> {
  const headers: Record<string, string> = {};
  if (validators?.etag) headers['if-none-match'] = validators.etag;
  if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
  return headers;
}
