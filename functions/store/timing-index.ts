/** Reads of one timing-index partition (access pattern 6): stage records and whole-case milestones alike. */
import { INDEXES, indexKeys } from './keys.ts';
import { type EntitySchema, type Item, projection, type Table } from './table.ts';

/**
 * The records decided (reached) at or after `at`, given the townships whose earlier records are sampled: the
 * partition's stored samples hold those, and these reads add the rest.
 */
export interface TimingSince {
  at: string;
  townships: readonly string[];
}

/** One sort-key range of a partition: its condition and the values it names. */
interface Range {
  condition: string;
  values: Item;
}

/**
 * The sort-key ranges holding a partition's records from `since.at` on (of one township, or all): for a sampled
 * township, its records from `at` to its end; an unsampled township (or one in the gaps between the sampled ones,
 * sort keys start with the township) in full. Each range is one key condition, so nothing before `at` is read.
 */
function sinceRanges(since: TimingSince, township: string | undefined): Range[] {
  const from = (t: string) => indexKeys.timingTownshipFrom(t, since.at);
  if (township) {
    return since.townships.includes(township)
      ? [
          {
            condition: 'gsi3sk BETWEEN :lo AND :hi',
            values: { ':lo': from(township), ':hi': indexKeys.timingTownshipEnd(township) },
          },
        ]
      : [
          {
            condition: 'begins_with(gsi3sk, :township)',
            values: { ':township': indexKeys.timingTownshipPrefix(township) },
          },
        ];
  }
  const sampled = [...new Set(since.townships)].sort();
  if (sampled.length === 0) return [{ condition: '', values: {} }];
  return [
    { condition: 'gsi3sk < :hi', values: { ':hi': indexKeys.timingTownshipPrefix(sampled[0]!) } },
    ...sampled.map((t, i) => {
      const next = sampled[i + 1];
      return next
        ? {
            condition: 'gsi3sk BETWEEN :lo AND :hi',
            values: { ':lo': from(t), ':hi': indexKeys.timingTownshipPrefix(next) },
          }
        : { condition: 'gsi3sk >= :lo', values: { ':lo': from(t) } };
    }),
  ];
}

/**
 * A whole timing-index partition (sort keys start with the township), optionally of one township, or only its
 * records from `since` on, followed page by page; only `fields` are read back, each item parsed by `entity`.
 */
export async function timingIndexPartition<T>(
  table: Table,
  entity: EntitySchema<T>,
  partition: string,
  township: string | undefined,
  fields: readonly string[],
  since?: TimingSince,
): Promise<T[]> {
  const ranges: Range[] = since
    ? sinceRanges(since, township)
    : township
      ? [
          {
            condition: 'begins_with(gsi3sk, :township)',
            values: { ':township': indexKeys.timingTownshipPrefix(township) },
          },
        ]
      : [{ condition: '', values: {} }];
  // a few small ranges of one partition, read at once
  const each = await Promise.all(
    ranges.map((range) =>
      table.all(entity, {
        IndexName: INDEXES.byTiming.name,
        KeyConditionExpression: `gsi3pk = :pk${range.condition ? ` AND ${range.condition}` : ''}`,
        ExpressionAttributeValues: { ':pk': partition, ...range.values },
        ...projection(fields, 't'),
      }),
    ),
  );
  return each.flat();
}
