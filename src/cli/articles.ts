import { messages } from '../messages/answers.ts';
import { cliText } from '../messages/cli.ts';
import { SHARED_COLLECTION } from '../store/types.ts';
import { COLLECTION_OPTION, defineCommand, JSON_OPTION } from './command.ts';
import { print, printJson } from './context.ts';

export const articlesCommand = defineCommand({
  name: 'articles',
  summary: 'list the stored articles, newest first',
  usage: ['articles [--collection ID] [--json]'],
  options: { collection: COLLECTION_OPTION, json: JSON_OPTION },
  maxArguments: 0,
  run: async (ctx, { values }) => {
    const app = await ctx.app('none');
    const articles = app.library.catalog.listArticles([values.collection ?? SHARED_COLLECTION]);
    if (values.json) {
      // The `articles --json` contract names the article id `id`.
      printJson({ articles: articles.map(({ articleId, ...rest }) => ({ id: articleId, ...rest })) });
      return 0;
    }
    if (articles.length === 0) {
      print(cliText.noArticles);
      return 0;
    }
    for (const a of articles) {
      const aliases = a.sources.filter((s) => s.id !== a.articleId).map((s) => s.id);
      const meta = [
        a.published?.slice(0, 10) ?? 'undated',
        a.updated ? messages.updatedOn(a.published, a.updated) : null,
        a.byline,
        `${a.chunkCount} chunks`,
        a.sources.length > 1 ? `${a.sources.length} sources (${messages.alsoAs(aliases)})` : null,
      ]
        .filter(Boolean)
        .join(' · ');
      print(`${a.articleId}\n  ${a.title}\n  ${meta}`);
    }
    print(`\n${articles.length} article${articles.length === 1 ? '' : 's'}`);
    return 0;
  },
});
