import { UserError } from '../errors.ts';
import { messages } from '../messages/answers.ts';
import { queryTerms } from '../retrieval/keyword-query.ts';
import type { CatalogReader } from '../store/reader.ts';
import type { StoredArticle } from '../store/types.ts';

/**
 * Finds the one stored article a person means: by exact id, else by words of its title. No match
 * or several matches are a UserError that lists what there is to choose from.
 */
export function resolveArticle(catalog: CatalogReader, reference: string, collections: readonly string[]): StoredArticle {
  const wanted = reference.trim();
  if (!wanted) throw new UserError(messages.articleReferenceEmpty);
  for (const collection of collections) {
    const exact = catalog.getArticle(collection, wanted);
    if (exact) return exact;
  }
  const articles = catalog.listArticles(collections);
  const words = queryTerms(wanted);
  const lower = wanted.toLowerCase();
  const exactTitle = articles.filter((a) => a.title.toLowerCase() === lower);
  if (exactTitle.length === 1) return exactTitle[0] as StoredArticle;
  const matches =
    words.length === 0
      ? []
      : articles.filter((a) => {
          const title = new Set(queryTerms(`${a.title} ${a.articleId.replace(/-/g, ' ')}`));
          return words.every((w) => title.has(w));
        });
  if (matches.length === 1) return matches[0] as StoredArticle;
  if (matches.length === 0) throw new UserError(messages.articleNotFound(wanted));
  throw new UserError(
    messages.articleAmbiguous(
      wanted,
      matches.slice(0, 10).map((a) => ({ id: a.articleId, title: a.title, published: a.published })),
    ),
  );
}
