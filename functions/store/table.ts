import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { Procedure } from '../../schemas/domain.ts';
import { conflict } from '../core/errors.ts';
import { countCapacity } from './capacity.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { TABLE_KEYS } from './keys.ts';

/** The most Queries one filtered page reads to fill itself (Table.page). */
export const MAX_FILTERED_READS = 10;

/** The most keys one BatchGetItem takes. */
const BATCH_GET_KEYS = 100;

/** The most items one page of Table.queryAll asks for (measured on DynamoDB Local: 80,000 entries in 5 s, not 84 s). */
export const QUERY_ALL_PAGE_ITEMS = 1_000;

/** A DynamoDB item or expression-value map as the document client takes it. */
export type Item = Record<string, unknown>;
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/** A Query's input without what the table fills in (its name) or the paging helpers set (start key). */
export type QueryInput = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>;

export interface Page<T> {
  items: T[];
  cursor?: string;
}

/** What a paged read takes from its caller: the store's cursor from the previous page and the page size. */
export interface PageRequest {
  cursor?: string;
  limit: number;
}

/** Thrown when a stored item does not match its entity's schema: a corrupt or foreign item is a 500, never cast. */
export class StoredItemError extends Error {
  constructor(what: string, key: Item, error: z.ZodError) {
    const issues = error.issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`).join('; ');
    super(`stored ${what} ${String(key.pk)}/${String(key.sk)} fails its schema: ${issues}`);
    this.name = 'StoredItemError';
  }
}

/**
 * An entity's stored shape: its schema (key attributes and the entity tag are not part of it, so parsing drops
 * them) and the name errors use.
 */
export interface EntitySchema<T> {
  name: string;
  schema: z.ZodType<T>;
}

/** A stored item read back through its entity's schema. */
export function parseItem<T>(entity: EntitySchema<T>, item: Item): T {
  const parsed = entity.schema.safeParse(item);
  if (!parsed.success) throw new StoredItemError(entity.name, item, parsed.error);
  return parsed.data;
}

/** SET/REMOVE expression over plain attribute names, with placeholders so reserved words are safe. */
export function updateExpression(set: Item, remove: readonly string[] = []) {
  const names: Record<string, string> = {};
  const values: Item = {};
  const sets: string[] = [];
  let i = 0;
  for (const [k, v] of Object.entries(set)) {
    if (v === undefined) continue;
    names[`#a${i}`] = k;
    values[`:a${i}`] = v;
    sets.push(`#a${i} = :a${i}`);
    i++;
  }
  const removes = remove.map((k) => {
    names[`#a${i}`] = k;
    return `#a${i++}`;
  });
  const expression = [
    sets.length ? `SET ${sets.join(', ')}` : '',
    removes.length ? `REMOVE ${removes.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return { expression, names, values };
}

/** `#field = :field` for each field given a value: FilterExpression parts, their names, values added to `values`. */
export function equalityFilter(fields: Record<string, string | undefined>, values: Item) {
  const names: Record<string, string> = {};
  const parts: string[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    parts.push(`#${field} = :${field}`);
  }
  return { names, parts };
}

/** `equalityFilter` and, when `within` is given, the village code inside that jurisdiction prefix. */
export function placeFilter(
  fields: Record<string, string | undefined>,
  within: string | undefined,
  values: Item,
) {
  const filter = equalityFilter(fields, values);
  if (within) {
    filter.names['#village'] = 'villageCode';
    values[':within'] = within;
    filter.parts.push('begins_with(#village, :within)');
  }
  return filter;
}

/**
 * Adds to a filter built by equalityFilter/placeFilter the part matching the items of `procedure`. An index entry
 * without one is identification's: a task stored before tasks kept their procedure, or any entry of an index not
 * yet rebuilt with `procedure` in its projection (docs/data-model.md, tables stored with an earlier layout).
 */
export function procedureFilter(
  procedure: Procedure | undefined,
  filter: { names: Record<string, string>; parts: string[] },
  values: Item,
) {
  if (!procedure) return filter;
  filter.names['#procedure'] = 'procedure';
  values[':procedure'] = procedure;
  filter.parts.push(
    procedure === 'identification'
      ? '(attribute_not_exists(#procedure) OR #procedure = :procedure)'
      : '#procedure = :procedure',
  );
  return filter;
}

/** The Query parts of a filter built by equalityFilter/placeFilter: absent when it filters nothing. */
export const filterParts = (filter: { names: Record<string, string>; parts: string[] }) =>
  filter.parts.length
    ? { FilterExpression: filter.parts.join(' AND '), ExpressionAttributeNames: filter.names }
    : {};

/** A ProjectionExpression reading back only `fields`, with its placeholders. */
export function projection(fields: readonly string[], tag = 'p') {
  return {
    ProjectionExpression: fields.map((_, i) => `#${tag}${i}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(fields.map((f, i) => [`#${tag}${i}`, f])),
  };
}

/** The zod `pick` mask of `fields`: an entity's schema narrowed to what a projection of them reads back. */
export const fieldMask = <F extends string>(fields: readonly F[]) =>
  Object.fromEntries(fields.map((f) => [f, true])) as { [K in F]: true };

/** A lost optimistic race in a transaction: a condition failed, or another transaction held an item. */
export function lostRace(e: unknown): boolean {
  if ((e as Error).name === 'TransactionConflictException') return true;
  const reasons = e instanceof TransactionCanceledException ? (e.CancellationReasons ?? []) : [];
  return reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
}

/**
 * The single table on one document client: the only place requests are sent. Its client counts the capacity
 * every request consumes (capacity.ts), so no request states ReturnConsumedCapacity itself.
 */
export class Table {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly name: string,
  ) {
    countCapacity(doc);
  }

  /** One item by key, strongly consistent, parsed by its entity's schema. */
  async get<T>(entity: EntitySchema<T>, key: Item): Promise<T | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true }));
    return out.Item ? parseItem(entity, out.Item) : undefined;
  }

  /**
   * Items by key in BatchGetItems of at most 100 keys (a page's worth is one), eventually consistent like the index
   * page that named them (strongly with `consistent`), retrying with backoff whatever DynamoDB leaves unprocessed;
   * unparsed, in the order of `keys`, undefined where an item is absent (or gone meanwhile).
   */
  async getItems(
    itemKeys: readonly Item[],
    fields?: readonly string[],
    consistent = false,
  ): Promise<(Item | undefined)[]> {
    const found = new Map<string, Item>();
    const id = (k: Item) => `${k.pk}\u0000${k.sk}`;
    // the keys are read back too: they say which item each response is
    const read = {
      ...(fields ? projection([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, ...fields]) : {}),
      ...(consistent ? { ConsistentRead: true } : {}),
    };
    for (let i = 0; i < itemKeys.length; i += BATCH_GET_KEYS) {
      await this.batchGet([...itemKeys.slice(i, i + BATCH_GET_KEYS)], read, (item) =>
        found.set(id(item), item),
      );
    }
    return itemKeys.map((k) => found.get(id(k)));
  }

  /**
   * Items of one entity by key (getItems), parsed; an item gone meanwhile left out. With `fields`, only those are
   * read back (the entity's schema then names no other).
   */
  async getMany<T>(entity: EntitySchema<T>, itemKeys: Item[], fields?: readonly string[]): Promise<T[]> {
    return (await this.getItems(itemKeys, fields)).flatMap((item) => (item ? [parseItem(entity, item)] : []));
  }

  /** One BatchGetItem of at most 100 keys, retried with backoff until nothing is left unprocessed. */
  private async batchGet(
    itemKeys: Item[],
    read: Partial<ReturnType<typeof projection>> & { ConsistentRead?: boolean },
    found: (item: Item) => void,
  ): Promise<void> {
    let pending = itemKeys;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      const out = await this.doc.send(
        new BatchGetCommand({ RequestItems: { [this.name]: { Keys: pending, ...read } } }),
      );
      for (const item of out.Responses?.[this.name] ?? []) found(item);
      pending = (out.UnprocessedKeys?.[this.name]?.Keys ?? []) as Item[];
    }
  }

  /**
   * One page of an index Query whose entries copy only what never changes, then the items they name, read by
   * `read`, those `keep` refuses left out: no change of those items' fields rewrites the index. Like a filtered
   * `page`, a page kept from reads reads on until it is full.
   */
  pageByKey<E, T>(
    entry: EntitySchema<E>,
    input: QueryInput,
    page: PageRequest,
    read: (entries: E[]) => Promise<T[]>,
    keep?: (item: T) => boolean,
  ): Promise<Page<T>> {
    return this.pageOf(input, page, keep !== undefined, async (found) => {
      const items = found.length ? await read(found.map((i) => parseItem(entry, i))) : [];
      return keep ? items.filter(keep) : items;
    });
  }

  /**
   * One page of a Query from the caller's cursor: the items parsed, and the cursor to the next page. A filtered
   * Query reads on from where its last read stopped, each read evaluating no more items than the page still lacks
   * (so it never overshoots and its cursor is DynamoDB's own), until the page is full or the range ends; after
   * MAX_FILTERED_READS reads it answers what it has, with its cursor.
   */
  page<T>(entity: EntitySchema<T>, input: QueryInput, page: PageRequest): Promise<Page<T>> {
    return this.pageOf(input, page, false, async (found) => found.map((i) => parseItem(entity, i)));
  }

  /** The paging of `page` and `pageByKey`: `take` turns each read's items into the page's (filtered: fewer). */
  private async pageOf<T>(
    input: QueryInput,
    page: PageRequest,
    filtered: boolean,
    take: (found: Item[]) => Promise<T[]>,
  ): Promise<Page<T>> {
    const items: T[] = [];
    let start = decodeCursor(page.cursor);
    let reads = 0;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.name,
          ...input,
          Limit: page.limit - items.length,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(await take(out.Items ?? [])));
      start = out.LastEvaluatedKey;
      reads++;
    } while (
      (filtered || input.FilterExpression) &&
      start &&
      items.length < page.limit &&
      reads < MAX_FILTERED_READS
    );
    return { items, cursor: encodeCursor(start) };
  }

  /**
   * Every item a Query matches, following its pages to the end, unparsed (an item collection of entities). Pages
   * hold at most QUERY_ALL_PAGE_ITEMS items: DynamoDB Local reads the whole rest of the key range for each page
   * before it cuts the page at 1 MB, so unbounded pages over 10⁵ entries cost seconds each (docs/operations.md);
   * DynamoDB reads the same items for the same capacity, in more round trips when they are small.
   */
  async queryAll(input: QueryInput): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.name,
          Limit: QUERY_ALL_PAGE_ITEMS,
          ...input,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Every item a Query on one entity matches, parsed. */
  async all<T>(entity: EntitySchema<T>, input: QueryInput): Promise<T[]> {
    return (await this.queryAll(input)).map((i) => parseItem(entity, i));
  }

  /** A PutItem; with a condition, false when the condition failed (nothing written). */
  async put(input: Omit<PutCommandInput, 'TableName'>): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.name, ...input }));
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  /**
   * Sets `set` on an existing item while `condition` holds (placeholders `#name`/`:value` in `placeholders`),
   * optionally moving its version on; false when the item is gone or the condition failed.
   */
  async updateIf(
    key: Item,
    set: Item,
    condition: string,
    placeholders: Item,
    bumpVersion = false,
  ): Promise<boolean> {
    const u = updateExpression(set);
    const names = { ...u.names };
    const values = { ...u.values };
    if (bumpVersion) {
      u.expression += ', #ver = #ver + :one';
      names['#ver'] = 'version';
      values[':one'] = 1;
    }
    for (const [k, v] of Object.entries(placeholders)) {
      if (k.startsWith('#')) names[k] = String(v);
      else values[k] = v;
    }
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.name,
          Key: key,
          UpdateExpression: u.expression,
          ConditionExpression: `attribute_exists(pk) AND ${condition}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  /** One TransactWriteItems of `items`, all or nothing. */
  async transact(items: TransactItem[]): Promise<void> {
    await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
  }

  /**
   * Up to 25 prepared items in one BatchWriteItem, unconditional and unaudited, retrying with backoff whatever
   * DynamoDB leaves unprocessed: bench seeding (bench/seed.ts) and stored timing samples, never a case's state.
   */
  async putItems(items: Item[]): Promise<void> {
    let pending = items.map((item) => ({ PutRequest: { Item: item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.name]: pending } }));
      pending = (out.UnprocessedItems?.[this.name] ?? []) as typeof pending;
    }
  }

  /**
   * Puts a setting's current item on condition that it is at `previous` (absent when 0) together with its
   * version item (never overwritten). A lost race is a 409 naming `version`, like a stale case.
   */
  async putVersioned(current: Item, version: Item, previous: number, what: string): Promise<void> {
    try {
      await this.transact([
        {
          Put: {
            TableName: this.name,
            Item: current,
            ...(previous === 0
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: '#ver = :previous',
                  ExpressionAttributeNames: { '#ver': 'version' },
                  ExpressionAttributeValues: { ':previous': previous },
                }),
          },
        },
        { Put: { TableName: this.name, Item: version, ConditionExpression: 'attribute_not_exists(pk)' } },
      ]);
    } catch (e) {
      if (lostRace(e)) {
        throw conflict(`the ${what} changed since it was read; reload and try again`, [
          { path: 'version', rule: 'version' },
        ]);
      }
      throw e;
    }
  }
}

/**
 * A nested value of a stored item that was validated in full when it was written (the API's own schema) and
 * whose older stored forms the readers complete (a policy without a later limit): read back as an object.
 */
export const storedObject = <T>() =>
  z.custom<T>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'must be an object');
