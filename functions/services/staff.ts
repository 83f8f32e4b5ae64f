import type { User } from '../../schemas/records.ts';
import type { StaffMember } from '../../schemas/staff.ts';
import { takesTasks } from '../core/access.ts';
import type { Store } from '../store/store.ts';
import type { Deps } from './deps.ts';

/**
 * What each store has seen entered in this process, by sub: the entry as written. Keyed by the store so a
 * process that builds new deps (a restarted local runtime, on a fresh table) enters everyone again.
 */
const entered = new WeakMap<Store, Map<string, string>>();

/**
 * Enters a reviewer in the staff directory, so colleagues can hand them tasks: once per process and sub (again
 * only when their name, role or jurisdiction changed). Other roles take no tasks and are not entered.
 */
export async function enterDirectory(deps: Deps, user: User): Promise<void> {
  if (!takesTasks(user)) return;
  const member: StaffMember = {
    sub: user.sub,
    name: user.name,
    role: user.role,
    jurisdiction: user.jurisdiction,
  };
  const seen = entered.get(deps.store) ?? new Map<string, string>();
  entered.set(deps.store, seen);
  const entry = JSON.stringify(member);
  if (seen.get(user.sub) === entry) return;
  await deps.store.putStaff(member);
  seen.set(user.sub, entry);
}
