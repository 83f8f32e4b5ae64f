/** The objection entity (access pattern 8): raised during publicity, stored in the case's partition. */
import { z } from 'zod';
import { objectionStatusSchema } from '../../schemas/objection.ts';
import { actorSchema } from '../../schemas/records.ts';
import { keys } from './keys.ts';
import { type EntitySchema, type Item, type Table, type TransactItem, updateExpression } from './table.ts';

export const OBJECTION_ENTITY = 'objection';

/** An objection as stored; the objector's phone is kept, never shown. */
export const objectionItemSchema = z.object({
  objectionId: z.string(),
  caseId: z.string(),
  status: objectionStatusSchema,
  objector: z.object({ name: z.string(), phone: z.string().optional() }),
  content: z.string(),
  filedAt: z.string(),
  filedBy: actorSchema,
  resolvedAt: z.string().optional(),
  resolvedBy: z.string().optional(),
  /** the objection review task that decided it */
  taskId: z.string().optional(),
});
export type ObjectionItem = z.infer<typeof objectionItemSchema>;
export const OBJECTION: EntitySchema<ObjectionItem> = { name: OBJECTION_ENTITY, schema: objectionItemSchema };

/** What settling an objection records on it. */
export type ObjectionResolution = Pick<ObjectionItem, 'status' | 'resolvedAt' | 'resolvedBy' | 'taskId'>;

export const objectionItem = (o: ObjectionItem): Item => ({
  ...keys.objection(o.caseId, o.objectionId),
  entity: OBJECTION_ENTITY,
  ...o,
});

/** The transaction item filing an objection: a new item. */
export const putObjectionItem = (tableName: string, o: ObjectionItem): TransactItem => ({
  Put: { TableName: tableName, Item: objectionItem(o), ConditionExpression: 'attribute_not_exists(pk)' },
});

/** The transaction item settling an objection, which must still be open. */
export function resolveObjectionItem(
  tableName: string,
  o: Pick<ObjectionItem, 'caseId' | 'objectionId'>,
  set: ObjectionResolution,
): TransactItem {
  const u = updateExpression(set);
  return {
    Update: {
      TableName: tableName,
      Key: keys.objection(o.caseId, o.objectionId),
      UpdateExpression: u.expression,
      ConditionExpression: 'attribute_exists(pk) AND #st = :open',
      ExpressionAttributeNames: { ...u.names, '#st': 'status' },
      ExpressionAttributeValues: { ...u.values, ':open': 'open' },
    },
  };
}

/** (8) The case's objections still open: one Query on the case's partition, objections only. */
export const openObjections = (table: Table, caseId: string): Promise<ObjectionItem[]> =>
  table.all(OBJECTION, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    FilterExpression: '#status = :open',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':pk': keys.casePartition(caseId),
      ':prefix': keys.objectionPrefix,
      ':open': 'open',
    },
    ConsistentRead: true,
  });
