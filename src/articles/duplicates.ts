import type { LoadResult } from './article.ts';
import { loadMessages as messages } from '../messages/articles.ts';

/**
 * The ids already taken in one batch of loads. The first article with an id keeps it;
 * a later one fails with a message naming where the first came from.
 */
export class IdRegistry {
  private readonly firstSeen = new Map<string, string>();

  /** `where` names the item in messages ("notes/harbor.md", "export.json record 3"). */
  claim(result: LoadResult, where: string): LoadResult {
    if (!result.ok) return result;
    const { id, source } = result.article;
    const first = this.firstSeen.get(id);
    if (first !== undefined) return { ok: false, source, error: messages.duplicateId(where, id, first) };
    this.firstSeen.set(id, where);
    return result;
  }
}
