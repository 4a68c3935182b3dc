import type { Library } from '../store/library.ts';
import { plainText } from './neutralize.ts';

export interface IndexedArticle {
  id: string;
  collection: string;
  title: string;
  published: string | null;
  /** When the stored story last changed, or null. */
  updated: string | null;
  /** Other ids the story answers to (the ids of its other sources). */
  aliases: string[];
  /** Lower-cased title and id words (aliases too), for matching what someone types. */
  words: string;
}

export interface ArticleChoice {
  name: string;
  value: string;
}

const MAX_CHOICES = 25;
const MAX_CHOICE_LENGTH = 100;

/**
 * Stored articles held in memory for autocomplete, which must answer within Discord's
 * 3 seconds. Reloaded only when the library's generation moved (a write by this process or
 * another, such as a CLI ingest): one indexed read per lookup otherwise.
 */
export class ArticleIndex {
  private articles: IndexedArticle[] = [];
  private generation = -1;

  private readonly library: Library;

  constructor(library: Library) {
    this.library = library;
  }

  private current(): IndexedArticle[] {
    const generation = this.library.catalog.generation();
    if (generation !== this.generation) this.reload(generation);
    return this.articles;
  }

  private reload(generation: number): void {
    this.generation = generation;
    this.articles = this.library.catalog.listArticles().map((a) => {
      const aliases = a.sources.map((s) => s.id).filter((id) => id !== a.articleId);
      return {
        id: a.articleId,
        collection: a.collection,
        title: a.title,
        published: a.published,
        updated: a.updated,
        aliases,
        words: `${a.title} ${[a.articleId, ...aliases].join(' ').replace(/[-_.:]/g, ' ')}`.toLowerCase(),
      };
    });
  }

  count(collection: string): number {
    return this.current().filter((a) => a.collection === collection).length;
  }

  /** Articles in `collections` whose title or id holds every typed word, newest first. */
  search(typed: string, collections: readonly string[], limit = MAX_CHOICES): IndexedArticle[] {
    const words = typed.toLowerCase().split(/\s+/).filter(Boolean);
    const visible = new Set(collections);
    return this.current()
      .filter((a) => visible.has(a.collection) && words.every((w) => a.words.includes(w)))
      .sort((a, b) => (b.published ?? '').localeCompare(a.published ?? ''))
      .slice(0, limit);
  }

  /** Autocomplete choices; Discord shows their names as plain text, one line each. */
  choices(typed: string, collections: readonly string[]): ArticleChoice[] {
    return this.search(typed, collections).map((a) => {
      const date = a.published ? ` (${a.published.slice(0, 10)})` : '';
      return { name: `${plainText(a.title, MAX_CHOICE_LENGTH - date.length)}${date}`, value: a.id.slice(0, MAX_CHOICE_LENGTH) };
    });
  }
}
