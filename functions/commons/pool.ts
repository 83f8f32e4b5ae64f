/** Runs `work` over `inputs`, at most `limit` at a time, results in input order. */
export async function pooled<I, O>(
  inputs: readonly I[],
  limit: number,
  work: (input: I) => Promise<O>,
): Promise<O[]> {
  const out: O[] = new Array(inputs.length);
  let next = 0;
  const lane = async () => {
    while (next < inputs.length) {
      const i = next++;
      out[i] = await work(inputs[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, lane));
  return out;
}
