/**
 * Prompt templates live in prompts/*.md so a newsroom can edit them without touching code.
 *
 * File format:
 *   - HTML comments (<!-- … -->) are notes for editors and are removed before anything else.
 *   - A line `=== system ===` starts the system message, a line `=== user ===` the user message;
 *     both are required, in that order, with nothing but comments before the first.
 *   - `{{name}}` is replaced by a value at render time. Values are inserted as they are and never
 *     expanded again, so text from articles or users cannot inject placeholders.
 *   - Lines `{{#name}}` … `{{/name}}` (each marker alone on its line) enclose text kept only when the
 *     optional value `name` is not empty, e.g. a heading for an optional conversation history.
 *
 * PROMPT_SPEC lists each template's placeholders; loading checks every file against it and reports
 * all problems at once, so a broken edit stops the bot at start-up instead of producing bad prompts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChatMessage } from './types.ts';

export interface TemplateSpec {
  file: string;
  required: readonly string[];
  optional: readonly string[];
}

export const PROMPT_SPEC = {
  answer: { file: 'answer.md', required: ['question', 'passages', 'today'], optional: ['history'] },
  summarize: {
    file: 'summarize.md',
    required: ['title', 'published', 'byline', 'length_instructions', 'passages', 'today'],
    optional: [],
  },
  'summarize-reduce': {
    file: 'summarize-reduce.md',
    required: ['title', 'length_instructions', 'notes', 'today'],
    optional: [],
  },
  topic: { file: 'topic.md', required: ['query', 'passages', 'length_instructions', 'today'], optional: [] },
} as const satisfies Record<string, TemplateSpec>;

export type PromptName = keyof typeof PROMPT_SPEC;

type SpecOf<N extends PromptName> = (typeof PROMPT_SPEC)[N];

/** The values a template takes: every required placeholder, and any optional one (absent or '' renders empty). */
export type PromptValues<N extends PromptName> = { [K in SpecOf<N>['required'][number]]: string } & {
  [K in SpecOf<N>['optional'][number]]?: string | undefined;
};

export interface Prompts {
  render<N extends PromptName>(name: N, values: PromptValues<N>): ChatMessage[];
}

/** A prompt file that does not fit the format or its spec. The message lists every problem found. */
export class PromptTemplateError extends Error {
  override readonly name = 'PromptTemplateError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Prompt templates have ${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
    this.problems = problems;
  }
}

/** A run of template lines: always kept, or kept only when the optional value `name` is not blank. */
type Part = { kind: 'text'; lines: string[] } | { kind: 'block'; name: string; lines: string[] };

interface CompiledTemplate {
  system: Part[];
  user: Part[];
}

const MARKER = /^===\s*(system|user)\s*===\s*$/i;
const PLACEHOLDER = /\{\{\s*([^{}#/\s][^{}]*?)\s*\}\}/g;
const BLOCK_MARKER = /\{\{\s*([#/])\s*([^{}]*?)\s*\}\}/;
const NAME = /^[a-z][a-z0-9_]*$/;

/** Reads and checks every template in PROMPT_SPEC from `dir`; throws PromptTemplateError listing all problems. */
export function loadPrompts(dir: string): Prompts {
  const problems: string[] = [];
  const compiled = new Map<PromptName, CompiledTemplate>();
  for (const name of Object.keys(PROMPT_SPEC) as PromptName[]) {
    const spec: TemplateSpec = PROMPT_SPEC[name];
    const path = join(dir, spec.file);
    let source: string;
    try {
      source = readFileSync(path, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file is missing' : String(error);
      problems.push(`${path}: ${reason} (template "${name}" needs it)`);
      continue;
    }
    const template = parseTemplate(source, path, spec, problems);
    if (template !== null) compiled.set(name, template);
  }
  if (problems.length > 0) throw new PromptTemplateError(problems);

  return {
    render(name, values) {
      const template = compiled.get(name);
      if (template === undefined) throw new Error(`Unknown prompt template "${String(name)}"`);
      const lookup = checkValues(name, PROMPT_SPEC[name], values);
      return [
        { role: 'system', content: renderParts(template.system, lookup) },
        { role: 'user', content: renderParts(template.user, lookup) },
      ];
    },
  };
}

/** Parses one template file, adding any problems to `problems`; null when it cannot be used. */
function parseTemplate(source: string, path: string, spec: TemplateSpec, problems: string[]): CompiledTemplate | null {
  const before = problems.length;
  const problem = (line: number | null, message: string): void => {
    problems.push(line === null ? `${path}: ${message}` : `${path}:${line}: ${message}`);
  };
  const text = stripComments(source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'), (line) =>
    problem(line, 'an HTML comment "<!--" is never closed with "-->"'),
  );
  const lines = text.split('\n');

  const markers: { section: 'system' | 'user'; index: number }[] = [];
  lines.forEach((line, index) => {
    const match = MARKER.exec(line.trim());
    if (match?.[1] !== undefined) markers.push({ section: match[1].toLowerCase() as 'system' | 'user', index });
  });
  const system = markers.filter((m) => m.section === 'system');
  const user = markers.filter((m) => m.section === 'user');
  if (system.length !== 1 || user.length !== 1 || markers[0]?.section !== 'system') {
    problem(
      null,
      'needs exactly one line "=== system ===" followed later by exactly one line "=== user ===" ' +
        `(found ${system.length} system and ${user.length} user marker lines)`,
    );
    return null;
  }
  const systemAt = system[0]?.index ?? 0;
  const userAt = user[0]?.index ?? 0;
  const stray = lines.slice(0, systemAt).findIndex((line) => line.trim() !== '');
  if (stray >= 0) problem(stray + 1, 'text before "=== system ===" belongs to no message; put notes in an HTML comment');

  const seen = new Set<string>();
  const systemParts = parseSection(lines, systemAt + 1, userAt, spec, seen, problem);
  const userParts = parseSection(lines, userAt + 1, lines.length, spec, seen, problem);
  for (const required of spec.required) {
    if (!seen.has(required)) problem(null, `required placeholder {{${required}}} does not appear`);
  }
  if (problems.length > before) return null;
  return { system: systemParts, user: userParts };
}

/** Replaces comments by as many newlines as they spanned, so line numbers in messages stay right. */
function stripComments(text: string, unclosed: (line: number) => void): string {
  const stripped = text.replace(/<!--[\s\S]*?-->/g, (comment) => '\n'.repeat(comment.split('\n').length - 1));
  const open = stripped.indexOf('<!--');
  if (open >= 0) unclosed(stripped.slice(0, open).split('\n').length);
  return stripped;
}

/** Lines `from`…`to` of one message (system or user) → its parts: text always kept, and optional blocks. */
function parseSection(
  lines: string[],
  from: number,
  to: number,
  spec: TemplateSpec,
  seen: Set<string>,
  problem: (line: number | null, message: string) => void,
): Part[] {
  const parts: Part[] = [];
  let plain: string[] = [];
  let block: { name: string; line: number; lines: string[] } | null = null;

  for (let index = from; index < to; index += 1) {
    const line = lines[index] ?? '';
    const lineNo = index + 1;
    const marker = BLOCK_MARKER.exec(line);
    if (marker !== null) {
      const [whole, sign, name = ''] = marker;
      if (line.trim() !== whole) {
        problem(lineNo, `the block marker ${whole} must stand alone on its line`);
        continue;
      }
      if (sign === '#') {
        if (block !== null) {
          problem(lineNo, `blocks cannot nest: {{#${name}}} inside {{#${block.name}}}`);
          continue;
        }
        if (!spec.optional.includes(name)) {
          const optional = spec.optional.map((n) => `{{${n}}}`).join(', ') || 'none in this template';
          problem(lineNo, `{{#${name}}} can only enclose text for an optional placeholder (${optional})`);
        }
        parts.push({ kind: 'text', lines: plain });
        plain = [];
        block = { name, line: lineNo, lines: [] };
      } else if (block === null || block.name !== name) {
        problem(lineNo, `{{/${name}}} closes a block that was not opened`);
      } else {
        parts.push({ kind: 'block', name, lines: block.lines });
        block = null;
      }
      continue;
    }
    checkPlaceholders(line, spec, seen, (message) => problem(lineNo, message));
    (block === null ? plain : block.lines).push(line);
  }
  if (block !== null) problem(block.line, `{{#${block.name}}} is never closed with {{/${block.name}}}`);
  parts.push({ kind: 'text', lines: plain });
  return parts;
}

/** Notes each placeholder of `line` in `seen`; an unknown or unclosed one is a problem. */
function checkPlaceholders(line: string, spec: TemplateSpec, seen: Set<string>, problem: (message: string) => void): void {
  const known = (name: string): boolean => spec.required.includes(name) || spec.optional.includes(name);
  for (const match of line.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (NAME.test(name) && known(name)) {
      seen.add(name);
    } else {
      const allowed = [...spec.required, ...spec.optional].map((n) => `{{${n}}}`).join(', ');
      problem(`unknown placeholder {{${name}}}; this template accepts ${allowed}`);
    }
  }
  const leftover = line.replace(PLACEHOLDER, '');
  if (leftover.includes('{{') || leftover.includes('}}')) {
    problem('a placeholder is not closed: write {{name}} with two braces on each side');
  }
}

function checkValues(name: PromptName, spec: TemplateSpec, values: Record<string, string | undefined>): Map<string, string> {
  const lookup = new Map<string, string>();
  for (const [key, value] of Object.entries(values)) {
    if (!spec.required.includes(key) && !spec.optional.includes(key)) {
      throw new Error(`Prompt "${name}" has no placeholder {{${key}}}`);
    }
    if (value !== undefined && typeof value !== 'string') {
      throw new Error(`Prompt "${name}": the value for {{${key}}} must be a string`);
    }
    if (value !== undefined) lookup.set(key, value);
  }
  for (const required of spec.required) {
    if (!lookup.has(required)) throw new Error(`Prompt "${name}" needs a value for {{${required}}}`);
  }
  return lookup;
}

/** Keeps blocks whose value is not blank, then fills every placeholder in one pass. */
function renderParts(parts: Part[], values: Map<string, string>): string {
  const template = parts
    .filter((part) => part.kind === 'text' || (values.get(part.name) ?? '').trim() !== '')
    .flatMap((part) => part.lines)
    .join('\n')
    .trim();
  return template.replace(PLACEHOLDER, (_whole, name: string) => values.get(name) ?? '').trim();
}
