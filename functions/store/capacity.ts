import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';

/**
 * Capacity units this process consumed, from ReturnConsumedCapacity on every request: the benchmark turns
 * them into units per case and cost per case.
 */
export const consumed = { readUnits: 0, writeUnits: 0, reads: 0, writes: 0 };

export function record(
  kind: 'read' | 'write',
  capacity: ConsumedCapacity | ConsumedCapacity[] | undefined,
): void {
  let units = 0;
  for (const c of Array.isArray(capacity) ? capacity : capacity ? [capacity] : [])
    units += c.CapacityUnits ?? 0;
  if (kind === 'read') {
    consumed.reads++;
    consumed.readUnits += units;
  } else {
    consumed.writes++;
    consumed.writeUnits += units;
  }
}

export function resetConsumed(): void {
  Object.assign(consumed, { readUnits: 0, writeUnits: 0, reads: 0, writes: 0 });
}
