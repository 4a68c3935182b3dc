import { Parser } from 'htmlparser2';

/*
 * Readability's cost grows with the cube of element nesting (for each element it re-reads the
 * text of every nested descendant): measured here, 256 nested elements take 0.3 s, 512 take
 * 2–3 s, 768 take 6–10 s and 2,000 take about 109 s. htmlparser2, which builds linkedom's DOM,
 * is itself quadratic in depth (100,000 levels: 8 s). Real pages nest a few dozen levels
 * (Chromium's HTML parser flattens anything past 512), so a deeper document is refused before
 * a DOM is built.
 */
export const MAX_NESTING_DEPTH = 256;

/** Thrown by `checkNesting` (and so by `parseDocument`) for a document nested deeper than allowed. */
export class NestingTooDeepError extends Error {
  override readonly name = 'NestingTooDeepError';
  readonly limit: number;

  constructor(limit: number) {
    super(`elements are nested more than ${limit} levels deep`);
    this.limit = limit;
  }
}

/**
 * Tokenizes `html` with the parser linkedom uses (so implied end tags count the same way) and
 * throws NestingTooDeepError as soon as an element opens deeper than `limit`: a hostile page is
 * refused after reading only as far as its limit.
 */
export function checkNesting(html: string, limit: number = MAX_NESTING_DEPTH): void {
  let depth = 0;
  const parser = new Parser(
    {
      onopentag() {
        depth++;
        if (depth > limit) throw new NestingTooDeepError(limit);
      },
      onclosetag() {
        depth--;
      },
    },
    { lowerCaseAttributeNames: false, decodeEntities: true, xmlMode: false },
  );
  parser.write(html);
  parser.end();
}
