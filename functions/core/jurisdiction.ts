/**
 * Administrative division codes (统计用区划代码): digits 1–6 county, 7–9 township, 10–12 village.
 * A jurisdiction is a prefix; a code lies inside it when it starts with it.
 */
export type Level = 'county' | 'township' | 'village';

const LENGTH: Record<Level, number> = { county: 6, township: 9, village: 12 };

export function levelOf(code: string): Level {
  if (code.length === 6) return 'county';
  if (code.length === 9) return 'township';
  if (code.length === 12) return 'village';
  throw new Error(`not a jurisdiction code: ${code}`);
}

/** The code of `villageCode` at `level` (e.g. its township). */
export function codeAt(villageCode: string, level: Level): string {
  return villageCode.slice(0, LENGTH[level]);
}

export const countyOf = (code: string) => code.slice(0, 6);
export const townshipOf = (code: string) => code.slice(0, 9);

/** True when `code` lies inside (or is) the jurisdiction `scope`. */
export function within(scope: string, code: string): boolean {
  return code.startsWith(scope);
}
