import { z } from 'zod';

/** `POST /api/cases/{caseId}/reexamination`: why the applicant contests the rejection (复核申请). */
export const reexaminationRequestSchema = z.strictObject({ reason: z.string().trim().min(1).max(1000) });
export type ReexaminationRequest = z.infer<typeof reexaminationRequestSchema>;
