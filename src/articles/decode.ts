import type { Result } from '../result.ts';
import { TextDecoder } from 'node:util';
import { decodeMessages, loadMessages as messages } from '../messages/articles.ts';

const SNIFF_BYTES = 64 * 1024;
/** Share of control bytes above which a file is taken for binary even without a NUL byte. */
const MAX_CONTROL_SHARE = 0.1;

/**
 * Bytes → text, refusing what is not text: empty or whitespace-only input, binary data,
 * and bytes that are not valid UTF-8 (naming the first bad byte). A UTF-8 or UTF-16
 * byte-order mark is honoured; `charset` (from a Content-Type) selects another encoding.
 */
export function decodeText(data: Uint8Array, where: string, charset?: string): Result<string> {
  if (data.length === 0) return { ok: false, error: messages.empty(where) };

  const utf16 = utf16Encoding(data);
  let result: Result<string>;
  if (utf16) {
    result = decodeWith(utf16, data.subarray(2), where);
  } else if (looksBinary(data)) {
    return { ok: false, error: messages.binary(where) };
  } else if (charset && !isUtf8Label(charset)) {
    result = decodeWith(charset, data, where);
  } else {
    result = decodeUtf8(data, where);
  }
  if (result.ok && result.value.trim() === '') return { ok: false, error: messages.empty(where) };
  return result;
}

/** The charset a Content-Type names, lowercased: "text/html; charset=ISO-8859-1" → "iso-8859-1". */
export function charsetOf(contentType: string | undefined): string | undefined {
  const match = contentType ? /charset\s*=\s*"?([^";\s]+)/i.exec(contentType) : null;
  return match?.[1]?.toLowerCase();
}

function decodeUtf8(data: Uint8Array, where: string): Result<string> {
  const start = data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
  try {
    return { ok: true, value: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data.subarray(start)) };
  } catch (error) {
    // Only a decoder that rejected the bytes means they are not UTF-8: a file too large for one
    // string, or memory running out, fails here too and is said as such.
    if (!(error instanceof TypeError) || (error as NodeJS.ErrnoException).code !== 'ERR_ENCODING_INVALID_ENCODED_DATA') {
      return { ok: false, error: cannotDecode(error, where, data.length) };
    }
    const offset = firstInvalidUtf8Offset(data);
    return { ok: false, error: messages.invalidUtf8(where, offset, lineAt(data, offset)) };
  }
}

function decodeWith(encoding: string, data: Uint8Array, where: string): Result<string> {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding);
  } catch {
    return { ok: false, error: messages.unknownCharset(where, encoding) };
  }
  try {
    return { ok: true, value: decoder.decode(data) };
  } catch (error) {
    return { ok: false, error: cannotDecode(error, where, data.length) };
  }
}

/** Why bytes could not become text when nothing was wrong with them: too many for one string, or no memory. */
function cannotDecode(error: unknown, where: string, bytes: number): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ERR_STRING_TOO_LONG') return decodeMessages.tooLongForText(where, bytes);
  return decodeMessages.decodeFailed(where, error instanceof Error ? error.message : String(error));
}

function utf16Encoding(data: Uint8Array): string | undefined {
  if (data[0] === 0xff && data[1] === 0xfe) return 'utf-16le';
  if (data[0] === 0xfe && data[1] === 0xff) return 'utf-16be';
  return undefined;
}

function isUtf8Label(charset: string): boolean {
  return /^(utf-?8|unicode-1-1-utf-8)$/i.test(charset);
}

function looksBinary(data: Uint8Array): boolean {
  if (data.includes(0)) return true;
  const sample = data.subarray(0, SNIFF_BYTES);
  let controls = 0;
  for (const byte of sample) {
    // Tab, line feed, vertical tab, form feed and carriage return are ordinary in text.
    if ((byte < 0x20 && (byte < 0x09 || byte > 0x0d)) || byte === 0x7f) controls++;
  }
  return controls / sample.length > MAX_CONTROL_SHARE;
}

/** Offset of the first byte that breaks UTF-8 (overlong forms, surrogates and truncation included). */
export function firstInvalidUtf8Offset(data: Uint8Array): number {
  let i = 0;
  while (i < data.length) {
    const lead = data[i] ?? 0;
    let length: number;
    let min: number;
    if (lead < 0x80) {
      i++;
      continue;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      [length, min] = [2, 0x80];
    } else if (lead >= 0xe0 && lead <= 0xef) {
      [length, min] = [3, 0x800];
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      [length, min] = [4, 0x10000];
    } else {
      return i;
    }
    let codePoint = lead & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const next = data[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return i;
    i += length;
  }
  return data.length;
}

function lineAt(data: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < data.length; i++) if (data[i] === 0x0a) line++;
  return line;
}
