/**
 * The custom ids of buttons, select menus and modals: `<key>:<field>:<field>…`, where the key
 * (`nr:sources`, `nr:articles-page`…) names the component and the router finds its handler by it.
 * Each component declares its fields once; encoding and decoding are typed from that declaration,
 * and a custom id that does not decode (an old or forged one) is read as null, never guessed at.
 */

/** Discord's limit, in characters (code points). */
const MAX_LENGTH = 100;
const SEPARATOR = ':';

/** One field of a custom id: how a value is written, and read back (null when it cannot be). */
export interface Field<T> {
  encode(value: T): string;
  decode(text: string): T | null;
  /** The field takes the rest of the id, separators included; only the last field can. */
  readonly rest?: boolean;
}

/** An id without separators: an answer id, a record's key. */
export const token: Field<string> = {
  encode: (value) => value,
  decode: (text) => (text.length > 0 && !text.includes(SEPARATOR) ? text : null),
};

export const integer: Field<number> = {
  encode: (value) => String(Math.trunc(value)),
  decode: (text) => (/^-?\d{1,15}$/.test(text) ? Number(text) : null),
};

export function oneOf<const V extends string>(...values: readonly V[]): Field<V> {
  return {
    encode: (value) => value,
    decode: (text) => values.find((v) => v === text) ?? null,
  };
}

/** Free text such as what someone searched for: the last field, so it may hold separators. */
export const restOfId: Field<string> = { encode: (value) => value, decode: (text) => text, rest: true };

type Fields = Record<string, Field<unknown>>;
type ValuesOf<F extends Fields> = { [K in keyof F]: F[K] extends Field<infer T> ? T : never };

export interface CustomId<Args> {
  /** What the router looks the handler up by: the id up to its second separator. */
  readonly key: string;
  encode(args: Args): string;
  /** The arguments, or null for an id of another component or one that does not parse. */
  decode(customId: string): Args | null;
}

/** The key of any custom id, for routing: `nr:vote:abc:up` → `nr:vote`. */
export function keyOf(customId: string): string {
  return customId.split(SEPARATOR, 2).join(SEPARATOR);
}

function codePoints(text: string): number {
  return [...text].length;
}

/**
 * Declares a component's custom id: `key` is `<namespace>:<name>`, and `fields` lists its
 * arguments in the order they are written. Encoding an id over Discord's 100 characters throws:
 * what goes into ids must be bounded where it is read (an option's max_length, say).
 */
export function defineCustomId<const F extends Fields>(key: string, fields: F): CustomId<ValuesOf<F>> {
  if (keyOf(key) !== key || !key.includes(SEPARATOR)) throw new Error(`a custom id key is "<namespace>:<name>": ${key}`);
  const entries = Object.entries(fields) as [keyof F & string, Field<unknown>][];
  if (entries.slice(0, -1).some(([, field]) => field.rest)) throw new Error(`only the last field of ${key} can take the rest of the id`);
  const last = entries.at(-1)?.[1];

  return {
    key,
    encode(args) {
      const parts = entries.map(([name, field]) => {
        const text = field.encode(args[name]);
        if (!field.rest && text.includes(SEPARATOR)) throw new Error(`${key}: the field ${name} cannot hold "${SEPARATOR}"`);
        return text;
      });
      const id = [key, ...parts].join(SEPARATOR);
      if (codePoints(id) > MAX_LENGTH)
        throw new Error(`${key}: a custom id of ${codePoints(id)} characters is over Discord's ${MAX_LENGTH}`);
      return id;
    },
    decode(customId) {
      if (keyOf(customId) !== key) return null;
      const parts = customId === key ? [] : customId.slice(key.length + 1).split(SEPARATOR);
      if (last?.rest) parts.splice(entries.length - 1, Infinity, parts.slice(entries.length - 1).join(SEPARATOR));
      if (parts.length !== entries.length) return null;
      const args: Record<string, unknown> = {};
      for (const [i, [name, field]] of entries.entries()) {
        const value = field.decode(parts[i] ?? '');
        if (value === null) return null;
        args[name] = value;
      }
      return args as ValuesOf<F>;
    },
  };
}
