/**
 * The one masking rule of every output (case views and lists, timelines, audit records, CSV exports, the
 * publicity notice, error causes, log lines): resident ID numbers masked to their first 6 and last 4
 * characters, phone numbers removed. It reads free text, so it finds them however they are written: glued to
 * letters (`ABC<ID>`), in 6-8-4 groups, `+86 138 1234 5678`, `138-1234-5678`, `(029) 8888 6666`.
 */
import { maskId } from '../../schemas/resident-id.ts';

/** What a removed phone number reads as. */
export const PHONE_REDACTED = '[电话已隐去]';

/** An optional single space or hyphen between the groups people write a number in. */
const SEP = '[ -]?';
/**
 * 18-character resident ID numbers (GB 11643): region, birth date (1900–2099), sequence and check character,
 * not inside a longer run of digits. Letters may touch it (`ABC<ID>`); the birth date keeps hex hashes and
 * generated ids, whose digit runs are not dates, from being taken for one.
 */
const RESIDENT_ID = new RegExp(
  String.raw`(?<!\d)(\d{6})${SEP}((?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))${SEP}(\d{3}[\dXx])(?!\d)`,
  'g',
);
/**
 * Mainland mobile numbers, with or without +86 / 0086 and in 3-4-4 groups, and landlines with an area code
 * (029-88886666, (029) 8888 6666), standing alone: not glued to letters or digits, so generated ids stay whole.
 */
const PHONE = new RegExp(
  [
    String.raw`(?<![\w*+])(?:(?:\+|00)86${SEP})?1[3-9]\d${SEP}\d{4}${SEP}\d{4}(?![\w*])`,
    String.raw`(?<![\w*+])(?:\(0\d{2,3}\)${SEP}|0\d{2,3}[ -])\d{3,4}${SEP}\d{4}(?![\w*])`,
  ].join('|'),
  'g',
);

/** `text` with every resident ID number masked (first 6 + last 4) and every phone number removed. */
export function maskPersonalData(text: string): string {
  return text
    .replace(RESIDENT_ID, (_id, region: string, birth: string, tail: string) =>
      maskId(`${region}${birth}${tail}`.toUpperCase()),
    )
    .replace(PHONE, PHONE_REDACTED);
}

/** A JSON-like value with `maskPersonalData` applied to every string inside it (keys kept as they are). */
export function maskDeep<T>(value: T): T {
  if (typeof value === 'string') return maskPersonalData(value) as T;
  if (Array.isArray(value)) return value.map(maskDeep) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)])) as T;
  }
  return value;
}

/** A phone number as lists and exports show it: the first 3 and last 4 digits (138****8000). */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length < 7 ? '****' : `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}
