/**
 * Recurring maintenance and backup windows, as ElastiCache and RDS write them, and the checks both services apply.
 *
 * Times are UTC. A weekly window is placed on a week that starts Monday 00:00; a daily window on a day that starts
 * at 00:00. A window whose end is not after its start wraps past midnight (or past Sunday).
 */

/** A recurring window in minutes since Monday 00:00 UTC (weekly) or since 00:00 UTC (daily). */
export interface TimeWindow {
  /** Minute the window opens. */
  readonly start: number;
  /** Minute the window closes; below `start` when the window wraps. */
  readonly end: number;
  /** The window as it was written. */
  readonly text: string;
}

const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const TIME = '([01]\\d|2[0-3]):([0-5]\\d)';
const DAY = `(${DAYS.join('|')})`;
const WEEKLY = new RegExp(`^${DAY}:${TIME}-${DAY}:${TIME}$`, 'i');
const DAILY = new RegExp(`^${TIME}-${TIME}$`);

/** 'ddd:hh24:mi-ddd:hh24:mi' (e.g. 'sun:03:00-sun:04:00'), days mon..sun, case-insensitive; undefined if malformed. */
export function parseWeeklyWindow(text: string): TimeWindow | undefined {
  const match = WEEKLY.exec(text);
  if (!match) return undefined;
  const [, startDay, startHour, startMinute, endDay, endHour, endMinute] = match;
  return {
    start: DAYS.indexOf(startDay.toLowerCase()) * MINUTES_PER_DAY + minuteOfDay(startHour, startMinute),
    end: DAYS.indexOf(endDay.toLowerCase()) * MINUTES_PER_DAY + minuteOfDay(endHour, endMinute),
    text,
  };
}

/** 'hh24:mi-hh24:mi' (e.g. '05:00-06:00'); undefined if malformed. */
export function parseDailyWindow(text: string): TimeWindow | undefined {
  const match = DAILY.exec(text);
  if (!match) return undefined;
  const [, startHour, startMinute, endHour, endMinute] = match;
  return { start: minuteOfDay(startHour, startMinute), end: minuteOfDay(endHour, endMinute), text };
}

/** Minutes the window lasts (handles wrap past midnight / past Sunday). A window that ends where it starts lasts 0. */
export function durationMinutes(window: TimeWindow, weekly: boolean): number {
  const period = weekly ? MINUTES_PER_WEEK : MINUTES_PER_DAY;
  return modulo(window.end - window.start, period);
}

/** Whether a daily window (repeated each day) overlaps a weekly window, wrap-arounds included. Touching is not overlapping. */
export function dailyOverlapsWeekly(daily: TimeWindow, weekly: TimeWindow): boolean {
  const dailyLength = durationMinutes(daily, false);
  const weeklyLength = durationMinutes(weekly, true);
  for (let day = 0; day < 7; day++) {
    if (overlapOnCircle(day * MINUTES_PER_DAY + daily.start, dailyLength, weekly.start, weeklyLength, MINUTES_PER_WEEK)) {
      return true;
    }
  }
  return false;
}

function minuteOfDay(hour: string, minute: string): number {
  return Number(hour) * 60 + Number(minute);
}

function modulo(value: number, period: number): number {
  return ((value % period) + period) % period;
}

/** Whether the half-open arcs [aStart, aStart + aLength) and [bStart, bStart + bLength) of a circle share a minute. */
function overlapOnCircle(aStart: number, aLength: number, bStart: number, bLength: number, period: number): boolean {
  if (aLength === 0 || bLength === 0) return false;
  const a = modulo(aStart, period);
  const b = modulo(bStart, period);
  return [-period, 0, period].some(shift => a < b + shift + bLength && b + shift < a + aLength);
}
