/**
 * Every person guard in the table, page by page: a Scan, for the one-off guard repair (`npm run repair:guards`)
 * alone. No request path scans (docs/data-model.md); this is why it lives with the script, not in functions/.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { GUARD_ENTITY, type StoredGuard } from '../functions/store/guard.ts';
import type { Item, Table } from '../functions/store/table.ts';

export async function* scanGuards(table: Table): AsyncGenerator<StoredGuard> {
  let start: Item | undefined;
  do {
    const out = await table.doc.send(
      new ScanCommand({
        TableName: table.name,
        FilterExpression: '#entity = :guard',
        ExpressionAttributeNames: { '#entity': 'entity' },
        ExpressionAttributeValues: { ':guard': GUARD_ENTITY },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    for (const i of out.Items ?? []) yield { pk: String(i.pk), caseId: String(i.caseId) };
    start = out.LastEvaluatedKey;
  } while (start);
}
