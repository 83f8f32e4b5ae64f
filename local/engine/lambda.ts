/** What a Lambda returns, as it crosses the wire: JSON (undefined becomes null, Dates become strings). */
export function lambdaResult(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

/** A thrown handler error as Step Functions reports a Lambda failure: Error = errorType, Cause = JSON. */
export function lambdaError(error: unknown): { name: string; message: string } {
  const e = error instanceof Error ? error : new Error(String(error));
  const trace = (e.stack ?? '')
    .split('\n')
    .slice(1)
    .map((line) => line.trim());
  return { name: e.name, message: JSON.stringify({ errorType: e.name, errorMessage: e.message, trace }) };
}
