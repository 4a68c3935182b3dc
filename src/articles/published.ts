/*
 * Publication dates → ISO 8601: `YYYY-MM-DD` when the source gives only a day, else a
 * full date-time. An ISO time keeps the zone offset it was written with, so the date part
 * stays the newsroom's local day ("sentenced Thursday" stays Thursday); a time without a
 * zone is read as UTC so the result never depends on the machine's time zone.
 */

export type PublishedResult = { ok: true; value: string } | { ok: false };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const MONTH_NAME = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?![a-z])/i;
const HAS_TIME = /\d{1,2}:\d{2}/;
const HAS_ZONE = /(?:\bZ|[+-]\d{2}:?\d{2}|\b(?:GMT|UTC|UT)|\b[ECMP][SD]T)\s*$/;

export function normalizePublished(value: string | number): PublishedResult {
  if (typeof value === 'number') return fromEpoch(value);
  const text = value.trim();

  const date = ISO_DATE.exec(text);
  if (date) return calendarDate(Number(date[1]), Number(date[2]), Number(date[3]));

  const dateTime = ISO_DATE_TIME.exec(text);
  if (dateTime) return isoDateTime(dateTime);

  return writtenDate(text);
}

function fromEpoch(value: number): PublishedResult {
  if (!Number.isFinite(value) || value < 0) return { ok: false };
  // Unix seconds until the year 5138; anything larger is milliseconds.
  const ms = value < 1e11 ? value * 1000 : value;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? { ok: false } : { ok: true, value: date.toISOString() };
}

function calendarDate(year: number, month: number, day: number): PublishedResult {
  if (!isRealDay(year, month, day)) return { ok: false };
  return { ok: true, value: `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}` };
}

function isoDateTime(match: RegExpExecArray): PublishedResult {
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(match[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!isRealDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return { ok: false };
  const fraction = (match[7] ?? '').slice(0, 3).replace(/0+$/, '');
  const stamp =
    `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}` +
    `${fraction ? `.${fraction}` : ''}${isoZone(match[8])}`;
  return Number.isNaN(Date.parse(stamp)) ? { ok: false } : { ok: true, value: stamp };
}

/** `Z`, `+02`, `+0200` or `+02:00` as `Z` or `±HH:MM`; no zone means UTC. */
function isoZone(zone: string | undefined): string {
  if (!zone || zone.toUpperCase() === 'Z') return 'Z';
  const digits = zone.slice(1).replace(':', '');
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2, 4).padEnd(2, '0')}`;
}

/** Dates as people write them: "March 5, 2024", "5 Mar 2024", "Tue, 05 Mar 2024 10:00:00 GMT". */
function writtenDate(text: string): PublishedResult {
  if (!MONTH_NAME.test(text) || !/\b\d{4}\b/.test(text) || !/\b\d{1,2}\b/.test(text)) return { ok: false };
  const parsed = new Date(text);
  if (Number.isNaN(parsed.getTime())) return { ok: false };
  if (HAS_TIME.test(text)) {
    if (HAS_ZONE.test(text)) return { ok: true, value: parsed.toISOString() };
    const wallClock = Date.UTC(
      parsed.getFullYear(),
      parsed.getMonth(),
      parsed.getDate(),
      parsed.getHours(),
      parsed.getMinutes(),
      parsed.getSeconds(),
    );
    return { ok: true, value: new Date(wallClock).toISOString() };
  }
  // No time of day: the engine read it as local midnight, whose local fields are the written day.
  return calendarDate(parsed.getFullYear(), parsed.getMonth() + 1, parsed.getDate());
}

function isRealDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
