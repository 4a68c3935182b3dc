import readline from 'node:readline/promises';
import type { App } from '../app.ts';
import { errorMessage, isUserError } from '../errors.ts';
import { cliText } from '../messages/cli.ts';
import { SHARED_COLLECTION } from '../store/types.ts';
import { renderAnswer, renderSummary } from './render.ts';
import { parseLength } from './summarize.ts';
import { oneLine } from './format.ts';

const HELP = `Ask a question about a stored story, or use a command:
  /ask <question>
  /summarize <article id or title words> [length:brief|standard|bullets]
  /summarize topic:<query> [length:...]
  /articles [words]
  /help   /quit`;

/** Splits a trailing length ("length:brief", or just "brief") off a command's text. */
function takeLength(text: string): { rest: string; length: string | undefined } {
  const match = text.match(/\s*\b(?:length:(\S+)|(brief|standard|bullets))\s*$/);
  return match ? { rest: text.slice(0, match.index).trim(), length: match[1] ?? match[2] } : { rest: text.trim(), length: undefined };
}

export interface ChatIO {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/**
 * The local console: the same questions and commands as in Discord, answered from the shared
 * collection, with the model's text streamed as it arrives.
 */
export async function runChat(app: App, io: ChatIO = { input: process.stdin, output: process.stdout }): Promise<void> {
  const out = (text: string) => io.output.write(text);
  const rl = readline.createInterface({ input: io.input, output: io.output, terminal: Boolean((io.output as NodeJS.WriteStream).isTTY) });
  const collections = [SHARED_COLLECTION];
  out(`${HELP}\n\n`);
  rl.setPrompt('> ');
  // The model may load later (the background retry): say so when it does.
  const stopListening = app.embedding.onChange(({ embedder }) => {
    if (!embedder) return;
    out(`\n${cliText.modelLoaded(embedder.modelId)}\n`);
    rl.prompt(true);
  });
  rl.prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '/quit' || line === '/exit') break;
    if (line) {
      try {
        await handleLine(app, line, collections, out);
      } catch (error) {
        if (isUserError(error)) out(`${error.message}\n`);
        else {
          app.logger.error({ err: error }, 'console command failed');
          out(`Something went wrong: ${errorMessage(error)}\n`);
        }
      }
      out('\n');
    }
    rl.prompt();
  }
  stopListening();
  rl.close();
}

async function handleLine(app: App, line: string, collections: string[], out: (s: string) => void): Promise<void> {
  let streamed = false;
  const onText = (delta: string) => {
    if (!streamed) out('… ');
    streamed = true;
    out(delta);
  };
  const afterStream = () => {
    if (streamed) out('\n\n— checked against the stored articles —\n');
  };
  const [command, ...restWords] = line.startsWith('/') ? line.split(/\s+/) : ['/ask', line];
  const rest = line.startsWith('/') ? restWords.join(' ') : line;
  switch (command) {
    case '/ask': {
      const result = await app.answerer.ask({ question: rest, collections, onText });
      afterStream();
      out(`${renderAnswer(result)}\n`);
      return;
    }
    case '/summarize': {
      const { rest: target, length } = takeLength(rest);
      const summaryLength = parseLength(length);
      // "topic:<query>" as in Discord, or "topic <query>" as people type it.
      const topic = /^topic(?::|\s+)/.exec(target);
      const result = topic
        ? await app.answerer.summarizeTopic({ topic: target.slice(topic[0].length), length: summaryLength, collections, onText })
        : await app.answerer.summarize({ article: target.replace(/^article:/, ''), length: summaryLength, collections, onText });
      afterStream();
      out(`${renderSummary(result)}\n`);
      return;
    }
    case '/articles': {
      const words = rest.toLowerCase().split(/\s+/).filter(Boolean);
      const articles = app.library.catalog
        .listArticles(collections)
        .filter((a) => words.every((w) => `${a.title} ${a.articleId}`.toLowerCase().includes(w)));
      if (articles.length === 0) out('No stored article matches.\n');
      for (const a of articles) out(`${a.published?.slice(0, 10) ?? 'undated   '}  ${oneLine(a.title, 70)}  [${a.articleId}]\n`);
      return;
    }
    case '/help':
      out(
        `${HELP}\n\nMode: ${app.answerer.mode === 'llm' ? `answers written by ${app.config.llm.model}` : 'extract mode (no language model configured): answers quote the articles'}.\n` +
          (app.embedder ? '' : `Search: keyword only (${app.embedderProblem ?? 'no embedding model'}).\n`),
      );
      return;
    default:
      out(`Unknown command ${command}. Type /help.\n`);
  }
}
