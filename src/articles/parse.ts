import path from 'node:path';
import { charsetOf, decodeText } from './decode.ts';
import type { Result } from '../result.ts';
import { parseHtmlArticle } from './formats/html.ts';
import { parseJsonLinesRecords, parseJsonRecords } from './formats/json.ts';
import { parseMarkdownArticle } from './formats/markdown.ts';
import { parseTextArticle } from './formats/text.ts';
import { idFromFileName, idFromUrl } from './identity.ts';
import { loadMessages as messages, titleHints } from '../messages/articles.ts';
import { NestingTooDeepError } from './nesting.ts';
import { notArticleKind } from '../text/credentials.ts';
import { buildArticle, failure, parseHttpUrl, type ArticleFields } from './validate.ts';
import { DEFAULT_MAX_BYTES, formatFor, type ArticleFormat, type NamedResult, type ParseOptions } from './file-formats.ts';

/**
 * The parse itself, on the calling thread: what a parse worker runs. Call parseArticleBuffer
 * instead; this never rejects bad input but may take as long as the input makes it.
 */
export function parseNamedResults(name: string, data: Uint8Array, source: string, opts: ParseOptions = {}): NamedResult[] {
  const where = name;
  const fail = (error: string): NamedResult[] => [{ result: failure(source, error), where }];

  const format = opts.line ? 'jsonl' : (opts.format ?? formatFor(name, opts.contentType));
  if (!format) return fail(messages.unsupportedType(where, path.extname(name)));

  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (data.length > maxBytes) return fail(messages.tooLarge(where, data.length, maxBytes));

  const decoded = decodeArticleText(data, where, format, opts.contentType);
  if (!decoded.ok) return fail(decoded.error);
  const text = decoded.value.replace(/\r\n?/g, '\n');
  // A ".txt" that is an env file or a key file is judged by what it holds, not by its name.
  const notArticle = format === 'text' || format === 'markdown' ? notArticleKind(text) : null;
  if (notArticle) return fail(messages.notAnArticle(where, notArticle));

  const fileId = opts.fallbackId ?? idFromFileName(opts.line?.file ?? name);
  const checks = { rawText: text, ...(opts.allowCredentials ? { allowCredentials: true } : {}) };
  const single = (fields: ArticleFields, titleHint: string): NamedResult[] => [
    { result: buildArticle(fields, { where, source, fallbackId: fileId, titleHint, ...checks }), where },
  ];

  switch (format) {
    case 'text':
      return single(parseTextArticle(text), titleHints.text);
    case 'markdown': {
      const parsed = parseMarkdownArticle(text, where);
      return parsed.ok ? single(parsed.value, titleHints.markdown) : fail(parsed.error);
    }
    case 'html': {
      const htmlOptions: { baseUrl?: string; url?: string } = {};
      if (opts.baseUrl !== undefined) htmlOptions.baseUrl = opts.baseUrl;
      if (opts.url !== undefined) htmlOptions.url = opts.url;
      let fields: ArticleFields;
      try {
        fields = parseHtmlArticle(text, htmlOptions);
      } catch (error) {
        if (error instanceof NestingTooDeepError) return fail(messages.nestedTooDeep(where, error.limit));
        throw error;
      }
      return single(fields, titleHints.html);
    }
    case 'json':
    case 'jsonl': {
      const records =
        format === 'json'
          ? parseJsonRecords(text, where, source)
          : parseJsonLinesRecords(text, opts.line?.file ?? where, source, opts.line?.n);
      if (!Array.isArray(records)) return fail(records.error);
      return records.map((record) => {
        if (!record.ok) return { result: failure(record.source, record.error), where: record.where };
        const fallbackId = recordFallbackId(record.fields, fileId, record.n);
        const origin = { where: record.where, source: record.source, fallbackId, titleHint: titleHints.json, ...checks };
        return { result: buildArticle(record.fields, origin), where: record.where };
      });
    }
  }
}

/** A record without an id is known by its url, else by its file and record number. */
function recordFallbackId(fields: ArticleFields, fileId: string, n: number | undefined): string {
  const url = fields.url === undefined ? undefined : parseHttpUrl(fields.url.trim());
  if (url) return idFromUrl(url);
  return n === undefined ? fileId : `${fileId}-${n}`;
}

function decodeArticleText(data: Uint8Array, where: string, format: ArticleFormat, contentType: string | undefined): Result<string> {
  const charset = charsetOf(contentType);
  const decoded = decodeText(data, where, charset);
  if (decoded.ok || charset || format !== 'html') return decoded;
  // An HTML page may declare its own character set; honour it when UTF-8 does not fit.
  const declared = declaredHtmlCharset(data);
  return declared ? decodeText(data, where, declared) : decoded;
}

function declaredHtmlCharset(data: Uint8Array): string | undefined {
  const head = Buffer.from(data.subarray(0, 2048)).toString('latin1');
  const match = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head);
  return match?.[1]?.toLowerCase();
}
