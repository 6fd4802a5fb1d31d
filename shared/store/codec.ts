/**
 * How one kind of record is kept in the single table, declared once: the domain value, what the
 * store keeps beside it (outside the value: the import generation of an item, where a chain
 * record was written, a TTL) and its keys (keys.ts). `encode` writes all three; `decode` gives the
 * value back without the keys and what was kept beside it, and `read` gives both.
 */

export type StoredRecord = Record<string, unknown>;

/** The table's key and index attributes, and the kind every record names. */
const KEY_ATTRIBUTES: ReadonlySet<string> = new Set([
  'PK',
  'SK',
  'GSI1PK',
  'GSI1SK',
  'GSI2PK',
  'GSI2SK',
  'entity',
]);

type Nothing = Record<never, never>;

/** What `encode` needs beside the value: optional when nothing beside it is required. */
type BesideArgument<B> = Nothing extends B ? [beside?: B] : [beside: B];

/** A record as read: the value, and what the store kept beside it. */
export interface Stored<T, B> {
  readonly value: T;
  readonly beside: B;
}

export interface Codec<T, B> {
  /** The record's `entity` attribute: which kind it is. */
  readonly entity: string;
  /** The record to write: the value, what the store keeps beside it, and the keys. */
  encode(value: T, ...beside: BesideArgument<B>): StoredRecord;
  /** The value a record holds. Throws for a record of another kind. */
  decode(record: StoredRecord): T;
  /** The value and what the store kept beside it. Throws for a record of another kind. */
  read(record: StoredRecord): Stored<T, B>;
  /** Whether a record is of this kind. */
  holds(record: StoredRecord): boolean;
}

/** Every attribute kept beside the value (the type makes the list complete), so decode leaves them out. */
type BesideNames<B> = { readonly [K in keyof Required<B>]: true };

export type CodecSpec<T, B> = {
  readonly entity: string;
  /** The record's key and index attributes (keys.ts), from the value and what is kept beside it. */
  readonly keys: (value: T, beside: B) => Readonly<Record<string, string>>;
} & (Nothing extends Required<B>
  ? { readonly beside?: BesideNames<B> }
  : { readonly beside: BesideNames<B> });

export function codec<T extends object, B extends object = Nothing>(spec: CodecSpec<T, B>): Codec<T, B> {
  const besideNames: ReadonlySet<string> = new Set(Object.keys(spec.beside ?? {}));
  const holds = (record: StoredRecord) => record.entity === spec.entity;
  const read = (record: StoredRecord): Stored<T, B> => {
    if (!holds(record)) {
      throw new Error(`a record of kind ${String(record.entity)} was read as ${spec.entity}`);
    }
    const value: StoredRecord = {};
    const beside: StoredRecord = {};
    for (const [name, attribute] of Object.entries(record)) {
      if (besideNames.has(name)) beside[name] = attribute;
      else if (!KEY_ATTRIBUTES.has(name)) value[name] = attribute;
    }
    // The one place a stored record becomes its type: what this codec's encode wrote.
    return { value: value as T, beside: beside as B };
  };
  return {
    entity: spec.entity,
    encode(value, ...[beside]) {
      const kept = (beside ?? {}) as B;
      const attributes = Object.entries(kept).filter(
        ([name, attribute]) => besideNames.has(name) && attribute !== undefined,
      );
      return { ...value, ...Object.fromEntries(attributes), ...spec.keys(value, kept), entity: spec.entity };
    },
    decode: (record) => read(record).value,
    read,
    holds,
  };
}
