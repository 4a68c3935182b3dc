import { discordError, type Reply } from './http-body.ts';

/** One field Discord would reject, e.g. path ['embeds', 0, 'description']. */
export interface FormProblem {
  path: (string | number)[];
  code: string;
  message: string;
}

export type JsonRecord = Record<string, unknown>;

export function asRecord(value: unknown): JsonRecord | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonRecord) : null;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Discord counts characters as code points, not UTF-16 units. */
export function charCount(value: unknown): number {
  return typeof value === 'string' ? [...value].length : 0;
}

export function maxLength(path: (string | number)[], value: unknown, max: number): FormProblem[] {
  return charCount(value) > max ? [{ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` }] : [];
}

export function lengthBetween(path: (string | number)[], value: unknown, min: number, max: number): FormProblem[] {
  const count = charCount(value);
  if (typeof value !== 'string' && min > 0) {
    return [{ path, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }];
  }
  return count < min || count > max
    ? [{ path, code: 'BASE_TYPE_BAD_LENGTH', message: `Must be between ${min} and ${max} in length.` }]
    : [];
}

export function maxItems(path: (string | number)[], value: unknown, max: number): FormProblem[] {
  return Array.isArray(value) && value.length > max
    ? [{ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` }]
    : [];
}

/** 400 Invalid Form Body (50035) with Discord's nested `errors` object, which discord.js flattens into its message. */
export function invalidFormBody(problems: FormProblem[]): Reply {
  const errors: JsonRecord = {};
  for (const problem of problems) {
    let node = errors;
    for (const key of problem.path) {
      const name = String(key);
      node[name] = asRecord(node[name]) ?? {};
      node = node[name] as JsonRecord;
    }
    const list = Array.isArray(node._errors) ? (node._errors as unknown[]) : [];
    list.push({ code: problem.code, message: problem.message });
    node._errors = list;
  }
  return discordError(400, 50035, 'Invalid Form Body', errors);
}
