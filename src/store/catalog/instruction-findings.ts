import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { readMeta, writeMeta } from './meta.ts';
import { findInstructions, INSTRUCTION_DETECTOR_VERSION, type InstructionKind } from '../../text/instructions.ts';

/*
 * Paragraphs of stored articles addressed to an AI ("SYSTEM: ignore previous instructions"), found
 * when an article's text is written (text/instructions.ts) and kept beside it: answering withholds
 * the chunks they fall in without reading them again for every question, and `newsroom check` lists
 * them for editors. Rows go with their article (ON DELETE CASCADE). When the detector changes
 * (INSTRUCTION_DETECTOR_VERSION), the next write finds them afresh in every stored article.
 */
export const INSTRUCTION_FINDINGS_SCHEMA = `
CREATE TABLE IF NOT EXISTS instruction_findings (
  article_key INTEGER NOT NULL REFERENCES articles (key) ON DELETE CASCADE,
  start INTEGER NOT NULL,
  end INTEGER NOT NULL,
  line INTEGER NOT NULL,
  kind TEXT NOT NULL,
  excerpt TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS instruction_findings_article ON instruction_findings (article_key);
`;

const META_KEY = 'instruction_detector';
/** Characters of the matched line kept to show editors what was found. */
const EXCERPT_CHARS = 120;

/** A stored finding, with the article it is in. */
export interface StoredInstructionFinding {
  collection: string;
  articleId: string;
  title: string;
  source: string;
  /** 1-based line of the article's stored text. */
  line: number;
  kind: InstructionKind;
  /** The start of the line where it was found, shortened. */
  excerpt: string;
}

/** What readers (answering, check) may ask. */
export interface InstructionFindingsReader {
  /**
   * The paragraphs addressed to an AI that these chunks overlap, by chunk id, as offsets into the
   * article body; null when this library cannot say (an older library opened read-only, or one not
   * yet written since the detector changed).
   */
  spansInChunks(chunkIds: readonly number[]): Map<number, { start: number; end: number }[]> | null;
  list(): StoredInstructionFinding[];
}

/** Source files larger than this are not read to find a finding's line. */
const MAX_SOURCE_BYTES = 10 * 1024 * 1024;

/**
 * The 1-based line of a source file that holds `excerpt` (as `list` shortened it), for editors to go
 * to; null when the source is not a local file (a URL, an attachment), is gone, or no longer holds it.
 */
export function sourceLineOf(source: string, excerpt: string): number | null {
  const file = source.replace(/#\d+$/, '');
  const needle = excerpt.replace(/…$/, '').slice(0, 60);
  if (!path.isAbsolute(file) || needle.length === 0) return null;
  try {
    if (fs.statSync(file).size > MAX_SOURCE_BYTES) return null;
    const text = fs.readFileSync(file, 'utf8');
    const at = text.indexOf(needle);
    return at < 0 ? null : text.slice(0, at).split('\n').length;
  } catch {
    return null;
  }
}

function lineExcerpt(body: string, at: number): string {
  const lineStart = body.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = body.indexOf('\n', at);
  const line = body.slice(lineStart, lineEnd < 0 ? body.length : lineEnd).trim();
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS - 1)}…` : line;
}

export class InstructionFindings implements InstructionFindingsReader {
  private readonly db: Database.Database;
  private readonly present: boolean;
  private insert: Database.Statement | undefined;

  constructor(db: Database.Database) {
    this.db = db;
    this.present = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'instruction_findings'").get() !== undefined;
  }

  private current(): boolean {
    if (!this.present) return false;
    return readMeta(this.db, META_KEY) === INSTRUCTION_DETECTOR_VERSION;
  }

  /** Finds and stores the paragraphs of one article's text addressed to an AI (inside the caller's transaction). */
  record(articleKey: number, body: string): void {
    if (!this.present) return;
    const insert = (this.insert ??= this.db.prepare(
      'INSERT INTO instruction_findings (article_key, start, end, line, kind, excerpt) VALUES (?, ?, ?, ?, ?, ?)',
    ));
    for (const f of findInstructions(body)) insert.run(articleKey, f.start, f.end, f.line, f.kind, lineExcerpt(body, f.at));
  }

  /** Once per detector version: finds them afresh in every stored article. Returns how many articles were read, 0 when current. */
  refresh(): number {
    if (!this.present || this.current()) return 0;
    return this.db.transaction(() => {
      this.db.exec('DELETE FROM instruction_findings');
      // Keys first: the connection cannot write while a read is still stepping through rows.
      const keys = this.db.prepare<[], number>('SELECT key FROM articles').pluck().all();
      const bodyOf = this.db.prepare<[number], string>('SELECT article_text(body) FROM articles WHERE key = ?').pluck();
      for (const key of keys) this.record(key, bodyOf.get(key) ?? '');
      const articles = keys.length;
      writeMeta(this.db, META_KEY, INSTRUCTION_DETECTOR_VERSION);
      return articles;
    })();
  }

  spansInChunks(chunkIds: readonly number[]): Map<number, { start: number; end: number }[]> | null {
    if (!this.current()) return null;
    const rows = this.db
      .prepare<[string], { id: number; start: number; end: number }>(
        `SELECT c.id, f.start, f.end FROM json_each(?) j JOIN chunks c ON c.id = j.value
           JOIN instruction_findings f ON f.article_key = c.article_key AND f.start < c.end AND f.end > c.start`,
      )
      .all(JSON.stringify(chunkIds));
    const spans = new Map<number, { start: number; end: number }[]>();
    for (const { id, start, end } of rows) spans.set(id, [...(spans.get(id) ?? []), { start, end }]);
    return spans;
  }

  /** The stored findings; when this library's are missing or stale, found afresh in the stored text (reading only). */
  list(): StoredInstructionFinding[] {
    if (!this.current()) return this.scan();
    return this.db
      .prepare<[], StoredInstructionFinding>(
        `SELECT a.collection, a.id AS articleId, a.title, a.source, f.line, f.kind, f.excerpt
           FROM instruction_findings f JOIN articles a ON a.key = f.article_key ORDER BY a.collection, a.id, f.line`,
      )
      .all();
  }

  private scan(): StoredInstructionFinding[] {
    const found: StoredInstructionFinding[] = [];
    const rows = this.db.prepare<[], { collection: string; articleId: string; title: string; source: string; body: string }>(
      'SELECT collection, id AS articleId, title, source, article_text(body) AS body FROM articles ORDER BY collection, id',
    );
    for (const { body, ...article } of rows.iterate()) {
      for (const f of findInstructions(body)) found.push({ ...article, line: f.line, kind: f.kind, excerpt: lineExcerpt(body, f.at) });
    }
    return found;
  }
}
