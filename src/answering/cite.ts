import type { Passage } from '../retrieval/passage.ts';
import type { CatalogReader } from '../store/reader.ts';
import { defuseMarkers } from '../text/markers.ts';
import type { SentenceRef } from './extractive.ts';
import type { Citation } from '../store/types.ts';

/** The stored body of a passage's article, to check every excerpt against. */
export type BodyOf = (passage: Passage) => string | undefined;

export function bodyFrom(catalog: Pick<CatalogReader, 'getBody'>): BodyOf {
  return (passage) => catalog.getBody(passage.collection, passage.articleId);
}

/**
 * The citation of an excerpt of `passage`, located by offsets into the article body (`start`, `end`);
 * null when the stored body does not hold exactly that text there.
 */
export function citationAt(passage: Passage, start: number, end: number, bodyOf: BodyOf): Omit<Citation, 'number'> | null {
  const excerpt = passage.text.slice(start - passage.start, end - passage.start);
  if (bodyOf(passage)?.slice(start, end) !== excerpt) return null;
  return {
    articleId: passage.articleId,
    collection: passage.collection,
    title: passage.title,
    url: passage.url,
    published: passage.published,
    updated: passage.updated,
    byline: passage.byline,
    chunkId: passage.chunkId,
    excerpt,
    start,
    end,
  };
}

/** Quoted sentences, each followed by its numbered marker, with their citations. */
export interface CitedExtract {
  text: string[];
  citations: Citation[];
}

/** Turns chosen sentences into numbered citations (verbatim: checked against the stored body). */
export function citeSentences(sentences: readonly SentenceRef[], bodyOf: BodyOf): CitedExtract {
  const citations: Citation[] = [];
  const text: string[] = [];
  for (const s of sentences) {
    const citation = citationAt(s.passage, s.start, s.end, bodyOf);
    if (!citation) continue;
    const number = citations.length + 1;
    citations.push({ number, ...citation });
    text.push(`${defuseMarkers(citation.excerpt)} [${number}]`);
  }
  return { text, citations };
}
