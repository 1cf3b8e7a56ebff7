// Where the demo's duos work: about three half-days a week per duo (or a fixed number), mornings
// 9:00–12:00 or afternoons 13:30–16:30, from tomorrow on. Only the plan: seed.ts writes it.
import type { DateTime } from 'luxon';
import { isWeekend } from '../../domain/time.js';
import type { Dice } from './random.js';
import type { Duo } from './staff.js';

export interface PlannedBlock {
  duo: Duo;
  start: DateTime;
  end: DateTime;
}

function halfDay(duo: Duo, day: DateTime, morning: boolean): PlannedBlock {
  const start = day.set(morning ? { hour: 9, minute: 0 } : { hour: 13, minute: 30 });
  return { duo, start, end: start.plus({ hours: 3 }) };
}

/** Each weekday, each duo works with a chance of 60%, in the morning or the afternoon. */
function aboutThreePerWeek(today: DateTime, weeks: number, duos: Duo[], dice: Dice): PlannedBlock[] {
  const out: PlannedBlock[] = [];
  for (let d = 1; d <= weeks * 7; d++) {
    const day = today.plus({ days: d });
    if (isWeekend(day)) continue;
    for (const duo of duos) {
      if (dice.random() > 0.6) continue;
      out.push(halfDay(duo, day, dice.random() < 0.5));
    }
  }
  return out;
}

/** A fixed number of half-days per duo in each week from tomorrow, picked at random. */
function fixedPerWeek(today: DateTime, weeks: number, duos: Duo[], perWeek: number, dice: Dice): PlannedBlock[] {
  const out: PlannedBlock[] = [];
  for (let w = 0; w < weeks; w++) {
    const halfDays: { day: DateTime; morning: boolean }[] = [];
    for (let d = w * 7 + 1; d <= w * 7 + 7; d++) {
      const day = today.plus({ days: d });
      if (!isWeekend(day)) halfDays.push({ day, morning: true }, { day, morning: false });
    }
    const k = Math.min(perWeek, halfDays.length);
    for (const duo of duos) {
      const order = [...halfDays];
      for (let i = 0; i < k; i++) {
        const j = i + Math.floor(dice.random() * (order.length - i));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const chosen = order
        .slice(0, k)
        .sort((a, b) => a.day.toMillis() - b.day.toMillis() || Number(b.morning) - Number(a.morning));
      for (const h of chosen) out.push(halfDay(duo, h.day, h.morning));
    }
  }
  return out;
}

/** The blocks of every duo for `weeks` weeks after `today`, in the order they are written. */
export function planBlocks(
  today: DateTime,
  weeks: number,
  duos: Duo[],
  perWeek: number | undefined,
  dice: Dice,
): PlannedBlock[] {
  return perWeek === undefined
    ? aboutThreePerWeek(today, weeks, duos, dice)
    : fixedPerWeek(today, weeks, duos, perWeek, dice);
}
