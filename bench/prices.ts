/**
 * AWS list prices used for the cost per case (US East (N. Virginia), on-demand, no free tier), as published
 * in 2025: Step Functions Standard per state transition; Lambda per request and per GB-second on Arm;
 * DynamoDB on-demand per write and read request unit; HTTP API per request.
 */
export const AWS_PRICES = {
  source:
    'us-east-1 list prices: SFN $25/M transitions, Lambda $0.20/M requests + $0.0000133334/GB-s (Arm), DynamoDB $0.625/M WRU + $0.125/M RRU, HTTP API $1.00/M requests',
  sfnTransition: 25 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334,
  ddbWriteUnit: 0.625 / 1e6,
  ddbReadUnit: 0.125 / 1e6,
  httpApiRequest: 1 / 1e6,
} as const;

export interface CaseUsage {
  transitions: number;
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  writeUnits: number;
  readUnits: number;
  apiRequests: number;
}

/** What one case costs at list prices, USD. */
export function costPerCase(u: CaseUsage): number {
  const p = AWS_PRICES;
  return (
    u.transitions * p.sfnTransition +
    u.lambdaInvocations * p.lambdaRequest +
    u.lambdaGbSeconds * p.lambdaGbSecond +
    u.writeUnits * p.ddbWriteUnit +
    u.readUnits * p.ddbReadUnit +
    u.apiRequests * p.httpApiRequest
  );
}
