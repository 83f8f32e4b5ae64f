/**
 * The assistance-measure entity (access pattern 9): the measures of an enrolled case, in the case's partition,
 * each with its own version; while planned, also in the county's planned measures by date (the overdue report).
 */
import { z } from 'zod';
import { actorSchema } from '../../schemas/common.ts';
import { measureViewSchema } from '../../schemas/measure.ts';
import { INDEXES, indexKeys, keys } from './keys.ts';
import {
  type EntitySchema,
  type Item,
  type Page,
  type PageRequest,
  placeFilter,
  type Table,
  type TransactItem,
  updateExpression,
} from './table.ts';

export const MEASURE_ENTITY = 'measure';

/**
 * A measure as stored: the view's fields but `overdue` (computed when read), with its village and author. The
 * responsible cadre's phone is kept in full (the measures route shows it to staff).
 */
export const measureItemSchema = measureViewSchema.omit({ overdue: true }).extend({
  villageCode: z.string(),
  createdBy: actorSchema,
});
export type MeasureItem = z.infer<typeof measureItemSchema>;
const MEASURE: EntitySchema<MeasureItem> = { name: MEASURE_ENTITY, schema: measureItemSchema };

/** The index attributes that hold a measure's planned entry: it leaves them once implemented or cancelled. */
const PLANNED_ATTRIBUTES = [INDEXES.byCounty.partitionKey, INDEXES.byCounty.sortKey];

const plannedKeys = (m: MeasureItem) =>
  m.status === 'planned' ? indexKeys.plannedMeasure(m.villageCode, m.plannedAt, m.caseId, m.measureId) : {};

export const measureItem = (m: MeasureItem): Item => ({
  ...keys.measure(m.caseId, m.measureId),
  ...plannedKeys(m),
  entity: MEASURE_ENTITY,
  ...m,
});

/** The transaction item adding a measure: a new item. */
export const putMeasureItem = (tableName: string, m: MeasureItem): TransactItem => ({
  Put: { TableName: tableName, Item: measureItem(m), ConditionExpression: 'attribute_not_exists(pk)' },
});

/**
 * The transaction item moving a measure from `before.version` to `after`: its changed fields and its planned
 * entry, on condition that nobody changed it since it was read.
 */
export function updateMeasureItem(tableName: string, before: MeasureItem, after: MeasureItem): TransactItem {
  const changed = Object.fromEntries(
    Object.entries(after).filter(([k, v]) => before[k as keyof MeasureItem] !== v),
  );
  const planned = after.status === 'planned';
  const u = updateExpression({ ...changed, ...plannedKeys(after) }, planned ? [] : PLANNED_ATTRIBUTES);
  return {
    Update: {
      TableName: tableName,
      Key: keys.measure(before.caseId, before.measureId),
      UpdateExpression: u.expression,
      ConditionExpression: '#ver = :expected',
      ExpressionAttributeNames: { ...u.names, '#ver': 'version' },
      ExpressionAttributeValues: { ...u.values, ':expected': before.version },
    },
  };
}

/** (9) The case's measures, oldest first: one Query on the case's partition, measures only. */
export const measuresOfCase = (table: Table, caseId: string): Promise<MeasureItem[]> =>
  table.all(MEASURE, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': keys.casePartition(caseId), ':prefix': keys.measurePrefix },
    ConsistentRead: true,
  });

/** A planned measure as the county index copies it: enough to filter on its village and read it by key. */
const plannedEntrySchema = measureItemSchema.pick({ measureId: true, caseId: true });
const PLANNED: EntitySchema<z.infer<typeof plannedEntrySchema>> = {
  name: 'planned measure',
  schema: plannedEntrySchema,
};

/**
 * (9) One page of a county's measures still planned whose planned day is before `date` (the overdue ones),
 * longest overdue first: the jurisdiction filters inside the Query on the planned entries, then the measures
 * themselves are read by key (the index copies none of their fields, so no measure change rewrites it).
 */
export async function overdueMeasures(
  table: Table,
  county: string,
  date: string,
  within: string | undefined,
  page: PageRequest,
): Promise<Page<MeasureItem>> {
  const values: Item = {
    ':pk': indexKeys.plannedMeasuresPartition(county),
    ':before': indexKeys.plannedBefore(date),
  };
  const { names, parts } = placeFilter({}, within, values);
  const listed = await table.pageByKey(
    PLANNED,
    {
      IndexName: INDEXES.byCounty.name,
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :before',
      FilterExpression: parts.length ? parts.join(' AND ') : undefined,
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
    },
    page,
    (entries) =>
      table.getMany(
        MEASURE,
        entries.map((m) => keys.measure(m.caseId, m.measureId)),
      ),
  );
  // the index lags the items: one implemented or cancelled meanwhile is no longer overdue
  return { items: listed.items.filter((m) => m.status === 'planned'), cursor: listed.cursor };
}
