/**
 * The stored timing samples entity (access pattern 12): a settled month's durations per township, packed in
 * one binary value, and the marker that says every township's item of that timing partition is stored.
 */
import { z } from 'zod';
import type { TimingSample } from '../core/timings.ts';
import { keys } from './keys.ts';
import { type EntitySchema, parseItem, type Table } from './table.ts';

export const SAMPLES_ENTITY = 'samples';

/** The most bytes of durations one stored-samples item holds: DynamoDB items stop at 400 KB. */
const MAX_SAMPLE_BYTES = 350_000;
/** Bytes per record in a stored sample: queue and work milliseconds, float64 little-endian. */
const SAMPLE_RECORD_BYTES = 16;

/** A township's timing samples of one settled timing-index partition, durations packed in one binary value. */
const samplesItemSchema = z.object({
  stage: z.string(),
  township: z.string(),
  month: z.string(),
  breaches: z.number(),
  durations: z.instanceof(Uint8Array),
});
type SamplesItem = z.infer<typeof samplesItemSchema>;
const SAMPLES: EntitySchema<SamplesItem> = { name: SAMPLES_ENTITY, schema: samplesItemSchema };

/** The marker put after every township's item, naming them all. */
const markerSchema = z.object({ townships: z.array(z.string()), storedAt: z.string() });
const MARKER: EntitySchema<z.infer<typeof markerSchema>> = { name: 'samples marker', schema: markerSchema };

function packSample(s: TimingSample): SamplesItem {
  const bytes = new Uint8Array(s.queueMs.length * SAMPLE_RECORD_BYTES);
  const view = new DataView(bytes.buffer);
  s.queueMs.forEach((queue, i) => {
    view.setFloat64(i * SAMPLE_RECORD_BYTES, queue, true);
    view.setFloat64(i * SAMPLE_RECORD_BYTES + 8, s.workMs[i]!, true);
  });
  return { stage: s.stage, township: s.township, month: s.month, breaches: s.breaches, durations: bytes };
}

function unpackSample(item: SamplesItem): TimingSample {
  const view = new DataView(item.durations.buffer, item.durations.byteOffset, item.durations.byteLength);
  const n = item.durations.byteLength / SAMPLE_RECORD_BYTES;
  const queueMs: number[] = [];
  const workMs: number[] = [];
  for (let i = 0; i < n; i++) {
    queueMs.push(view.getFloat64(i * SAMPLE_RECORD_BYTES, true));
    workMs.push(view.getFloat64(i * SAMPLE_RECORD_BYTES + 8, true));
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
 * (12) The stored timing samples of a settled timing-index partition, of every township or of one; undefined
 * while they are not (all) stored. The marker is put after every township's item and names them all, so an
 * eventually consistent read that sees the marker but misses an item answers undefined, never a short count.
 */
export async function storedSamples(
  table: Table,
  indexPartition: string,
  township?: string,
): Promise<TimingSample[] | undefined> {
  if (township) {
    const marker = await table.get(MARKER, keys.samplesStored(indexPartition));
    if (!marker) return undefined;
    if (!marker.townships.includes(township)) return [];
    const item = await table.get(SAMPLES, keys.samples(indexPartition, township));
    return item ? [unpackSample(item)] : undefined;
  }
  const items = await table.queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.samplesPartition(indexPartition) },
  });
  const markerSk = keys.samplesStored(indexPartition).sk;
  const markerItem = items.find((i) => i.sk === markerSk);
  const marker = markerItem ? parseItem(MARKER, markerItem) : undefined;
  const samples = items.filter((i) => i.sk !== markerSk).map((i) => unpackSample(parseItem(SAMPLES, i)));
  return marker && samples.length === marker.townships.length ? samples : undefined;
}

/**
 * Stores the samples of a settled timing-index partition (one per township): each township's item, then the
 * marker that makes them count. Puts nothing and answers false when a township's sample is too large for one
 * item; the reports then keep reading that partition's records.
 */
export async function putSamples(
  table: Table,
  indexPartition: string,
  samples: readonly TimingSample[],
  storedAt: string,
): Promise<boolean> {
  const packed = samples.map(packSample);
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
    },
  });
  return true;
}
