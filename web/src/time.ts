import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import 'dayjs/locale/zh-cn';

dayjs.extend(utc);

/**
 * Every time the console shows is China Standard Time, whatever the browser's zone: UTC+8 all year (China has
 * kept no daylight saving time since 1991), so a fixed offset, not the timezone plugin, whose every conversion
 * builds an Intl.DateTimeFormat (a third of an inbox's rendering on a throttled CPU).
 */
const CHINA_OFFSET_MINUTES = 8 * 60;

export const cst = (at: string | number) => dayjs(at).utcOffset(CHINA_OFFSET_MINUTES);
export const formatDateTime = (iso: string | undefined) => (iso ? cst(iso).format('YYYY-MM-DD HH:mm') : '');
export const formatDate = (iso: string | undefined) => (iso ? cst(iso).format('YYYY-MM-DD') : '');
/** Today's date in China (YYYY-MM-DD) at the instant `nowMs`. */
export const chinaToday = (nowMs: number) => cst(nowMs).format('YYYY-MM-DD');

/** Whole China calendar days from `nowMs` to `iso` (negative once past). */
export function daysUntil(iso: string, nowMs: number): number {
  return cst(iso).startOf('day').diff(cst(nowMs).startOf('day'), 'day');
}

export { dayjs };
