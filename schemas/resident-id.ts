/** GB 11643-1999 weights for the first 17 digits of a resident ID number. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** The check character (0-9 or X) that GB 11643 assigns to the first 17 digits. */
export function checkDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** Why an 18-character string is not a valid resident ID, or null when it is. */
export function residentIdProblem(id: string): 'format' | 'birth_date' | 'check_digit' | null {
  if (!/^\d{17}[\dX]$/.test(id)) return 'format';
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return 'birth_date';
  }
  if (checkDigit(id.slice(0, 17)) !== id[17]) return 'check_digit';
  return null;
}

/** Masks an ID number as docs/domain.md §10 requires everywhere it is shown: first 6 + last 4. */
export function maskId(id: string): string {
  return id.length <= 10
    ? '*'.repeat(id.length)
    : `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}
