/**
 * The stored timing samples entity (access pattern 12): a timing-index partition's durations per township, packed
 * in one binary value, and the marker that says every township's item of that partition is stored. The samples of
 * a settled month are complete; those of a month still open hold the records decided before the marker's `through`
 * (the scheduled job stores them, functions/services/timing-samples.ts), and the rest is read from the index.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { TimingSample } from '../core/timings.ts';
import { keys } from './keys.ts';
import { type EntitySchema, parseItem, type Table } from './table.ts';

export const SAMPLES_ENTITY = 'samples';

/** The most bytes of durations one stored-samples item holds: DynamoDB items stop at 400 KB. */
const MAX_SAMPLE_BYTES = 350_000;
/**
 * How a stored sample packs its records' queue and work times, little-endian: `s32`, whole seconds as int32
 * (8 bytes a record: samples hold whole seconds, core/timings samplesOf); absent, on items stored before it,
 * milliseconds as float64 (16 bytes a record). Half the bytes is half the reads of a report's first call.
 */
const FORMATS = {
  s32: { bytes: 8, get: (v: DataView, at: number) => v.getInt32(at, true) * 1000 },
  f64: { bytes: 16, get: (v: DataView, at: number) => v.getFloat64(at, true) },
} as const;
const SAMPLE_FORMAT = 's32';

/** A township's timing samples of one timing-index partition, durations packed in one binary value. */
const samplesItemSchema = z.object({
  stage: z.string(),
  township: z.string(),
  month: z.string(),
  breaches: z.number(),
  durations: z.instanceof(Uint8Array),
  /** how `durations` is packed (FORMATS); absent: float64 milliseconds */
  format: z.literal('s32').optional(),
  /** absent: every record of a settled month; else the records decided before this instant */
  through: z.string().optional(),
  /** the store that put it (absent on items stored before stores were named) */
  storeId: z.string().optional(),
});
type SamplesItem = z.infer<typeof samplesItemSchema>;
const SAMPLES: EntitySchema<SamplesItem> = { name: SAMPLES_ENTITY, schema: samplesItemSchema };

/** The marker put after every township's item, naming them all and the instant they hold records up to. */
const markerSchema = z.object({
  townships: z.array(z.string()),
  storedAt: z.string(),
  through: z.string().optional(),
  /** names this store: its items carry the same id, and a process may keep what it read under it */
  storeId: z.string().optional(),
});
const MARKER: EntitySchema<z.infer<typeof markerSchema>> = { name: 'samples marker', schema: markerSchema };

/** What is stored of a partition: its samples, the townships they name, and (unless complete) their `through`. */
export interface StoredSamples {
  samples: TimingSample[];
  townships: string[];
  /** absent: complete (a settled month); else the samples hold exactly the records decided before it */
  through?: string;
}

function packSample(s: TimingSample, through: string | undefined, storeId: string): SamplesItem {
  const size = FORMATS[SAMPLE_FORMAT].bytes;
  const bytes = new Uint8Array(s.queueMs.length * size);
  const view = new DataView(bytes.buffer);
  s.queueMs.forEach((queue, i) => {
    view.setInt32(i * size, Math.round(queue / 1000), true);
    view.setInt32(i * size + 4, Math.round(s.workMs[i]! / 1000), true);
  });
  return {
    stage: s.stage,
    township: s.township,
    month: s.month,
    breaches: s.breaches,
    durations: bytes,
    format: SAMPLE_FORMAT,
    ...(through ? { through } : {}),
    storeId,
  };
}

function unpackSample(item: SamplesItem): TimingSample {
  const view = new DataView(item.durations.buffer, item.durations.byteOffset, item.durations.byteLength);
  const { bytes, get } = FORMATS[item.format ?? 'f64'];
  const half = bytes / 2;
  const n = item.durations.byteLength / bytes;
  const queueMs: number[] = new Array(n);
  const workMs: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    queueMs[i] = get(view, i * bytes);
    workMs[i] = get(view, i * bytes + half);
  }
  return {
    stage: item.stage,
    township: item.township,
    month: item.month,
    breaches: item.breaches,
    queueMs,
    workMs,
  };
}

/**
 * What a process read, per DynamoDB client (a new client, as a restarted local runtime makes, starts empty): a
 * store's samples never change (a later store of the partition gets a new id), and a partition once stored in full
 * is never stored otherwise, so those are kept by partition and answered without a read; an open month's are kept
 * under its store's id, found by reading the marker. Bounded by the records kept; the oldest read goes first.
 */
const CACHE_RECORDS = 2_000_000;
const caches = new WeakMap<
  object,
  { entries: Map<string, { stored: StoredSamples; records: number }>; records: number }
>();

function cacheOf(table: Table) {
  let cache = caches.get(table.doc);
  if (!cache) {
    cache = { entries: new Map(), records: 0 };
    caches.set(table.doc, cache);
  }
  return cache;
}

function remember(table: Table, key: string, stored: StoredSamples): void {
  const cache = cacheOf(table);
  const records = stored.samples.reduce((n, s) => n + s.queueMs.length, 0);
  if (records > CACHE_RECORDS || cache.entries.has(key)) return;
  cache.entries.set(key, { stored, records });
  cache.records += records;
  for (const [oldest, entry] of cache.entries) {
    if (cache.records <= CACHE_RECORDS) break;
    cache.entries.delete(oldest);
    cache.records -= entry.records;
  }
}

const ofTownship = (stored: StoredSamples, township: string | undefined): StoredSamples =>
  township ? { ...stored, samples: stored.samples.filter((s) => s.township === township) } : stored;

/** The marker of a partition's stored samples (townships, when, `through` unless complete); undefined: none. */
export const samplesMarker = (table: Table, indexPartition: string) =>
  table.get(MARKER, keys.samplesStored(indexPartition));

/**
 * (12) The stored samples of a timing-index partition, of every township or of one; undefined while they are not
 * (all) stored. The marker is put after every township's item and names them all and the store that put them, so
 * a read that misses an item, or sees an item of another store, answers undefined, never a short or double count.
 */
export async function storedSamples(
  table: Table,
  indexPartition: string,
  township?: string,
): Promise<StoredSamples | undefined> {
  const entries = cacheOf(table).entries;
  const completeKey = `${table.name}|${indexPartition}`;
  const complete = entries.get(completeKey);
  if (complete) return ofTownship(complete.stored, township);
  const marker = await table.get(MARKER, keys.samplesStored(indexPartition));
  if (!marker) return undefined;
  const openKey = marker.storeId && `${completeKey}|${marker.storeId}`;
  const open = openKey ? entries.get(openKey) : undefined;
  if (open) return ofTownship(open.stored, township);
  const of = (items: SamplesItem[]): StoredSamples | undefined => {
    const mine = new Map(items.filter((i) => i.storeId === marker.storeId).map((i) => [i.township, i]));
    const wanted = township ? marker.townships.filter((t) => t === township) : marker.townships;
    if (!wanted.every((t) => mine.has(t))) return undefined;
    return {
      samples: wanted.map((t) => unpackSample(mine.get(t)!)),
      townships: marker.townships,
      ...(marker.through ? { through: marker.through } : {}),
    };
  };
  if (township) {
    if (!marker.townships.includes(township)) return of([]);
    const item = await table.get(SAMPLES, keys.samples(indexPartition, township));
    return of(item ? [item] : []);
  }
  const markerSk = keys.samplesStored(indexPartition).sk;
  const items = await table.queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.samplesPartition(indexPartition) },
  });
  const stored = of(items.filter((i) => i.sk !== markerSk).map((i) => parseItem(SAMPLES, i)));
  if (stored && !stored.through) remember(table, completeKey, stored);
  else if (stored && openKey) remember(table, openKey, stored);
  return stored;
}

/**
 * Stores the samples of a timing-index partition (one per township): each township's item, then the marker that
 * makes them count. `through` absent: every record of a settled month; else the records decided before it. Puts
 * nothing and answers false when a township's sample is too large for one item; the reports then keep reading
 * that partition's records.
 */
export async function putSamples(
  table: Table,
  indexPartition: string,
  samples: readonly TimingSample[],
  storedAt: string,
  through?: string,
): Promise<boolean> {
  const storeId = randomUUID();
  const packed = samples.map((s) => packSample(s, through, storeId));
  if (packed.some((p) => p.durations.byteLength > MAX_SAMPLE_BYTES)) return false;
  const items = packed.map((p) => ({
    ...keys.samples(indexPartition, p.township),
    entity: SAMPLES_ENTITY,
    ...p,
  }));
  for (let i = 0; i < items.length; i += 25) await table.putItems(items.slice(i, i + 25));
  await table.put({
    Item: {
      ...keys.samplesStored(indexPartition),
      entity: SAMPLES_ENTITY,
      townships: packed.map((p) => p.township),
      storedAt,
      ...(through ? { through } : {}),
      storeId,
    },
  });
  return true;
}
