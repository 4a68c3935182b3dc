import { SHARED_COLLECTION } from '../store/types.ts';
import { parseOptions, printJson, type CommandContext } from './context.ts';

export async function articlesCommand(ctx: CommandContext): Promise<number> {
  const { values } = parseOptions(ctx.args, {
    collection: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const app = await ctx.app();
  const articles = app.library.listArticles([values.collection ?? SHARED_COLLECTION]);
  if (values.json) {
    printJson({ articles });
    return 0;
  }
  if (articles.length === 0) {
    process.stdout.write('No articles stored yet. Add some with: npx newsroom ingest <files or folders>\n');
    return 0;
  }
  for (const a of articles) {
    const meta = [a.published?.slice(0, 10) ?? 'undated', a.byline, `${a.chunkCount} chunks`].filter(Boolean).join(' · ');
    process.stdout.write(`${a.id}\n  ${a.title}\n  ${meta}\n`);
  }
  process.stdout.write(`\n${articles.length} article${articles.length === 1 ? '' : 's'}\n`);
  return 0;
}
