/** The staff directory entity (access pattern 13): a reviewer by sub, and among the colleagues of their place. */
import { type StaffMember, staffMemberSchema } from '../../schemas/staff.ts';
import { INDEXES, indexKeys, keys } from './keys.ts';
import type { EntitySchema, Item, Table } from './table.ts';

export const STAFF_ENTITY = 'staff';
const STAFF: EntitySchema<StaffMember> = { name: STAFF_ENTITY, schema: staffMemberSchema };

/** The member's item: by sub, and in the index partition of their (role, jurisdiction). */
export const staffItem = ({ sub, name, role, jurisdiction }: StaffMember): Item => ({
  ...keys.staff(sub),
  ...indexKeys.staffMember(role, jurisdiction, sub),
  entity: STAFF_ENTITY,
  sub,
  name,
  role,
  jurisdiction,
});

/**
 * Enters a reviewer in the staff directory, or updates the entry when their name, role or jurisdiction
 * changed: a conditional put that writes nothing while the entry is current.
 */
export async function putStaff(table: Table, member: StaffMember): Promise<void> {
  await table.put({
    Item: staffItem(member),
    ConditionExpression: 'attribute_not_exists(pk) OR #name <> :name OR #role <> :role OR #j <> :j',
    ExpressionAttributeNames: { '#name': 'name', '#role': 'role', '#j': 'jurisdiction' },
    ExpressionAttributeValues: { ':name': member.name, ':role': member.role, ':j': member.jurisdiction },
  });
}

export const getStaff = (table: Table, sub: string): Promise<StaffMember | undefined> =>
  table.get(STAFF, keys.staff(sub));

/** The staff directory's reviewers of (role, jurisdiction): one Query on their index partition. */
export const colleagues = (table: Table, role: string, jurisdiction: string): Promise<StaffMember[]> =>
  table.all(STAFF, {
    IndexName: INDEXES.byOwner.name,
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': indexKeys.staffPartition(role, jurisdiction) },
  });
