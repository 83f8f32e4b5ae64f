import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import 'dayjs/locale/zh-cn';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Every time the console shows is China Standard Time, whatever the browser's zone. */
export const CHINA_TZ = 'Asia/Shanghai';

export const cst = (iso: string) => dayjs(iso).tz(CHINA_TZ);
export const formatDateTime = (iso: string | undefined) => (iso ? cst(iso).format('YYYY-MM-DD HH:mm') : '');
export const formatDate = (iso: string | undefined) => (iso ? cst(iso).format('YYYY-MM-DD') : '');
/** Today's date in China (YYYY-MM-DD) at the instant `nowMs`. */
export const chinaToday = (nowMs: number) => dayjs(nowMs).tz(CHINA_TZ).format('YYYY-MM-DD');

/** Whole China calendar days from `nowMs` to `iso` (negative once past). */
export function daysUntil(iso: string, nowMs: number): number {
  return cst(iso).startOf('day').diff(dayjs(nowMs).tz(CHINA_TZ).startOf('day'), 'day');
}

export { dayjs };
