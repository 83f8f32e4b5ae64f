/** Reads of one timing-index partition (access pattern 6): stage records and whole-case milestones alike. */
import { INDEXES, indexKeys } from './keys.ts';
import { type EntitySchema, type Item, projection, type Table } from './table.ts';

/**
 * A whole timing-index partition (sort keys start with the township), optionally of one township, followed page
 * by page; only `fields` are read back, each item parsed by `entity`.
 */
export function timingIndexPartition<T>(
  table: Table,
  entity: EntitySchema<T>,
  partition: string,
  township: string | undefined,
  fields: readonly string[],
): Promise<T[]> {
  const values: Item = { ':pk': partition };
  let condition = 'gsi3pk = :pk';
  if (township) {
    condition += ' AND begins_with(gsi3sk, :township)';
    values[':township'] = indexKeys.timingTownshipPrefix(township);
  }
  return table.all(entity, {
    IndexName: INDEXES.byTiming.name,
    KeyConditionExpression: condition,
    ExpressionAttributeValues: values,
    ...projection(fields, 't'),
  });
}
