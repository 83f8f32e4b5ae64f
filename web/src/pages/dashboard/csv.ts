/**
 * CSV exports of the reports (`format=csv`): fetched with the session's token, saved under the file name the API
 * gives. An export the API cut at its row limit names where the rest continues (`x-next-cursor`); the next part
 * is fetched and saved too, as `…-2.csv`, `…-3.csv`, until nothing is left.
 */

/** Where the API puts the export's file name: `attachment; filename="…"`. */
const fileNameOf = (disposition: string | null, fallback: string) =>
  /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? fallback;

function save(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

export interface ExportResult {
  files: string[];
}

/**
 * Downloads `path?query&format=csv` (and its further parts), through `fetchCsv`, which sends the request with
 * the session's credentials and throws the API's error when the answer is not 200.
 */
export async function exportCsv(
  fetchCsv: (query: Record<string, string>) => Promise<Response>,
  query: Record<string, string>,
  fallbackName: string,
): Promise<ExportResult> {
  const files: string[] = [];
  let cursor: string | undefined;
  do {
    const res = await fetchCsv({ ...query, format: 'csv', ...(cursor ? { cursor } : {}) });
    const base = fileNameOf(res.headers.get('content-disposition'), `${fallbackName}.csv`);
    const name = files.length === 0 ? base : base.replace(/\.csv$/, `-${files.length + 1}.csv`);
    save(await res.blob(), name);
    files.push(name);
    cursor = res.headers.get('x-next-cursor') ?? undefined;
  } while (cursor);
  return { files };
}
