import { z } from 'zod';
import { jurisdictionSchema, roleSchema } from './common.ts';

/** A reviewer in the staff directory: who may be handed a task of their role and jurisdiction. */
export const staffMemberSchema = z.object({
  sub: z.string(),
  name: z.string(),
  role: roleSchema,
  jurisdiction: jurisdictionSchema,
});
export type StaffMember = z.infer<typeof staffMemberSchema>;

/** `POST /api/tasks/{taskId}/reassign`: the colleague (their `sub`) who takes the task over, and why. */
export const reassignBodySchema = z.strictObject({
  assignee: z.string().trim().min(1).max(200),
  comment: z.string().trim().min(1).max(4000).optional(),
});
export type ReassignBody = z.infer<typeof reassignBodySchema>;

/** `GET /api/tasks/{taskId}/assignees`: the colleagues a task may be reassigned to. */
export const assigneeListSchema = z.object({ items: z.array(staffMemberSchema) });
export type AssigneeList = z.infer<typeof assigneeListSchema>;
