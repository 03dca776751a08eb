import { dailyOverlapsWeekly, durationMinutes, parseDailyWindow, parseWeeklyWindow } from '../../src/data-tier/private/windows';

const DAY = 24 * 60;

function daily(text: string) {
  const window = parseDailyWindow(text);
  if (!window) throw new Error(`test setup: '${text}' did not parse`);
  return window;
}

function weekly(text: string) {
  const window = parseWeeklyWindow(text);
  if (!window) throw new Error(`test setup: '${text}' did not parse`);
  return window;
}

describe('maintenance and backup windows', () => {
  describe('parseWeeklyWindow', () => {
    test.each<[string, number, number]>([
      ['mon:00:00-mon:01:00', 0, 60],
      ['sun:03:00-sun:04:00', 6 * DAY + 180, 6 * DAY + 240],
      ['wed:22:15-thu:01:45', 2 * DAY + 22 * 60 + 15, 3 * DAY + 105],
      ['SUN:23:30-Mon:00:30', 6 * DAY + 23 * 60 + 30, 30],
    ])('%s opens at minute %d of the week and closes at %d', (text, start, end) => {
      expect(parseWeeklyWindow(text)).toEqual({ start, end, text });
    });

    test.each([
      '',
      'sun:03:00',
      'sun:3:00-sun:04:00',
      'sun:03:00-sun:24:00',
      'sun:03:60-sun:04:00',
      'sunday:03:00-sunday:04:00',
      'xyz:03:00-sun:04:00',
      '03:00-04:00',
      ' sun:03:00-sun:04:00',
      'sun:03:00-sun:04:00 ',
      'sun:03:00 - sun:04:00',
    ])('%j is malformed', text => {
      expect(parseWeeklyWindow(text)).toBeUndefined();
    });
  });

  describe('parseDailyWindow', () => {
    test.each<[string, number, number]>([
      ['05:00-06:00', 300, 360],
      ['00:00-23:59', 0, DAY - 1],
      ['23:30-00:30', 23 * 60 + 30, 30],
    ])('%s opens at minute %d of the day and closes at %d', (text, start, end) => {
      expect(parseDailyWindow(text)).toEqual({ start, end, text });
    });

    test.each([
      '',
      '5:00-6:00',
      '05:00',
      '24:00-01:00',
      '05:00-06:60',
      'sun:05:00-sun:06:00',
      '05:00 - 06:00',
      '05.00-06.00',
    ])('%j is malformed', text => {
      expect(parseDailyWindow(text)).toBeUndefined();
    });
  });

  describe('durationMinutes', () => {
    test.each<[string, number]>([
      ['sun:06:00-sun:07:00', 60],
      ['sun:23:30-mon:00:30', 60],
      ['mon:00:00-sun:23:59', 7 * DAY - 1],
      ['tue:04:00-mon:04:00', 6 * DAY],
      ['fri:10:00-fri:10:00', 0],
    ])('weekly %s lasts %d minutes', (text, minutes) => {
      expect(durationMinutes(weekly(text), true)).toBe(minutes);
    });

    test.each<[string, number]>([
      ['05:00-06:00', 60],
      ['23:30-00:30', 60],
      ['05:00-05:30', 30],
      ['06:00-05:00', 23 * 60],
      ['05:00-05:00', 0],
    ])('daily %s lasts %d minutes', (text, minutes) => {
      expect(durationMinutes(daily(text), false)).toBe(minutes);
    });
  });

  describe('dailyOverlapsWeekly', () => {
    test.each<[string, string, boolean]>([
      // The defaults of ReplicatedCache touch without overlapping.
      ['05:00-06:00', 'sun:06:00-sun:07:00', false],
      ['07:00-08:00', 'sun:06:00-sun:07:00', false],
      ['06:30-07:30', 'sun:06:00-sun:07:00', true],
      ['05:30-06:30', 'sun:06:00-sun:07:00', true],
      ['06:15-06:45', 'sun:06:00-sun:07:00', true],
      ['05:00-08:00', 'sun:06:00-sun:07:00', true],
      // Every day counts, not only the weekly window's day.
      ['03:00-04:00', 'wed:03:30-wed:04:30', true],
      // A daily window past midnight overlaps the early hours of each day.
      ['23:30-00:30', 'mon:00:00-mon:01:00', true],
      ['23:30-00:30', 'sun:23:00-sun:23:30', false],
      ['23:30-00:30', 'tue:00:30-tue:02:00', false],
      // A weekly window past Sunday midnight wraps to Monday.
      ['00:00-00:15', 'sun:23:30-mon:00:30', true],
      ['00:30-01:30', 'sun:23:30-mon:00:30', false],
      ['23:00-23:30', 'sun:23:30-mon:00:30', false],
      ['23:00-23:45', 'sun:23:30-mon:00:30', true],
      // Both wrap.
      ['23:45-00:15', 'sun:23:30-mon:00:30', true],
      // A weekly window longer than a day always meets a daily window.
      ['12:00-13:00', 'mon:14:00-tue:11:00', false],
      ['12:00-13:00', 'mon:14:00-tue:12:30', true],
      ['12:00-13:00', 'mon:00:00-wed:00:00', true],
      // Empty windows meet nothing.
      ['05:00-05:00', 'sun:00:00-sun:23:00', false],
      ['05:00-06:00', 'sun:05:00-sun:05:00', false],
    ])('%s and %s: %s', (snapshot, maintenance, overlaps) => {
      expect(dailyOverlapsWeekly(daily(snapshot), weekly(maintenance))).toBe(overlaps);
    });
  });
});
