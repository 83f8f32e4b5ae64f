/** The access log entity (access pattern 11): one small item per recorded read, in its county's partition. */
import { z } from 'zod';
import { roleSchema } from '../../schemas/common.ts';
import { keys } from './keys.ts';
import type { EntitySchema, Item, Page, PageRequest, Table } from './table.ts';

export const ACCESS_ENTITY = 'access';

/** One read recorded in the access log: who read what, and when. */
export const accessLogItemSchema = z.object({
  county: z.string(),
  at: z.string(),
  requestId: z.string(),
  actor: z.object({
    sub: z.string(),
    username: z.string(),
    name: z.string(),
    role: roleSchema,
    jurisdiction: z.string(),
  }),
  /** the route key, e.g. `GET /api/cases/{caseId}` */
  route: z.string(),
  /** the path parameters (the case) and query parameters (the report) the read named */
  params: z.record(z.string(), z.string()).optional(),
  query: z.record(z.string(), z.string()).optional(),
  status: z.number(),
});
export type AccessLogItem = z.infer<typeof accessLogItemSchema>;
const ACCESS: EntitySchema<AccessLogItem> = { name: ACCESS_ENTITY, schema: accessLogItemSchema };

export const accessLogItem = (entry: AccessLogItem): Item => ({
  ...keys.accessLog(entry.county, entry.at, entry.requestId),
  entity: ACCESS_ENTITY,
  ...entry,
});

/** (11) Appends one read to its county's access log; an entry is never overwritten. */
export async function putAccessLog(table: Table, entry: AccessLogItem): Promise<void> {
  const put = await table.put({
    Item: accessLogItem(entry),
    ConditionExpression: 'attribute_not_exists(pk)',
  });
  if (!put) throw new Error(`access log entry ${entry.at}#${entry.requestId} exists already`);
}

/**
 * (11) One page of a county's access log recorded from `from` up to (not including) `to`, newest first: one
 * Query on the county's partition; `actor` (a sub or username) filters inside the page.
 */
export const accessLog = (
  table: Table,
  county: string,
  range: { from: string; to: string },
  actor: string | undefined,
  page: PageRequest,
): Promise<Page<AccessLogItem>> =>
  table.page(
    ACCESS,
    {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      FilterExpression: actor ? '#actor.#sub = :actor OR #actor.#username = :actor' : undefined,
      ExpressionAttributeNames: actor
        ? { '#actor': 'actor', '#sub': 'sub', '#username': 'username' }
        : undefined,
      ExpressionAttributeValues: {
        ':pk': keys.accessLogPartition(county),
        ':from': range.from,
        ':to': range.to,
        ...(actor ? { ':actor': actor } : {}),
      },
      ScanIndexForward: false,
    },
    page,
  );
