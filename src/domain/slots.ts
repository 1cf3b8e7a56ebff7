// Slots are cut from blocks: from the block's start, every (slot length + travel buffer)
// minutes, as long as the conversation itself fits before the block ends. A slot is free when
// no active appointment in that block overlaps it. All in Europe/Amsterdam local time.
import { localDate } from './time.js';

export interface BlockForSlots {
  id: number;
  starts_at: Date;
  ends_at: Date;
  slot_minutes: number;
  buffer_minutes: number;
}

export interface Busy {
  block_id: number;
  starts_at: Date;
  ends_at: Date;
}

export interface Slot {
  blockId: number;
  start: Date;
  end: Date;
}

export function cutSlots(block: BlockForSlots): Slot[] {
  const out: Slot[] = [];
  // Step in real minutes, so a block across a clock change still yields whole conversations.
  // A real minute is 60 000 ms in every zone, and a block lies within one day, so plain instant
  // arithmetic gives the same slots as luxon without its per-step time-zone work (that work was
  // most of the calendar page's CPU time: see the Performance section of README.md).
  const minute = 60_000;
  const end = block.ends_at.getTime();
  for (
    let start = block.starts_at.getTime();
    start + block.slot_minutes * minute <= end;
    start += (block.slot_minutes + block.buffer_minutes) * minute
  ) {
    out.push({ blockId: block.id, start: new Date(start), end: new Date(start + block.slot_minutes * minute) });
  }
  return out;
}

export function overlaps(a: { start: Date; end: Date }, b: { starts_at: Date; ends_at: Date }): boolean {
  return a.start < b.ends_at && b.starts_at < a.end;
}

/** The order of a list of slots: by time, then by block. */
export function bySlotOrder(a: Slot, b: Slot): number {
  return a.start.getTime() - b.start.getTime() || a.blockId - b.blockId;
}

/**
 * The free slots of one block that lie within [from, to), by time: those no booked appointment
 * overlaps. Instants in epoch milliseconds, `busy` as [start, end) pairs: the same slots as
 * cutSlots, without a Date per slot that is not free.
 */
export function freeInBlock(
  block: BlockForSlots,
  busy: readonly (readonly [number, number])[],
  from: number,
  to: number,
): Slot[] {
  const out: Slot[] = [];
  const minute = 60_000;
  const length = block.slot_minutes * minute;
  const step = (block.slot_minutes + block.buffer_minutes) * minute;
  const end = block.ends_at.getTime();
  for (let start = block.starts_at.getTime(); start + length <= end; start += step) {
    const slotEnd = start + length;
    if (start < from || slotEnd > to) continue;
    let taken = false;
    for (const [busyStart, busyEnd] of busy) {
      if (start < busyEnd && busyStart < slotEnd) {
        taken = true;
        break;
      }
    }
    if (!taken) out.push({ blockId: block.id, start: new Date(start), end: new Date(slotEnd) });
  }
  return out;
}

/** Free slots of the given blocks between `from` and `to`, sorted by time. */
export function freeSlots(blocks: BlockForSlots[], busy: Busy[], from: Date, to: Date): Slot[] {
  const busyByBlock = new Map<number, [number, number][]>();
  for (const b of busy) {
    const list = busyByBlock.get(b.block_id);
    const pair: [number, number] = [b.starts_at.getTime(), b.ends_at.getTime()];
    if (list) list.push(pair);
    else busyByBlock.set(b.block_id, [pair]);
  }
  const out: Slot[] = [];
  for (const block of blocks) {
    for (const slot of freeInBlock(block, busyByBlock.get(block.id) ?? [], from.getTime(), to.getTime()))
      out.push(slot);
  }
  return out.sort(bySlotOrder);
}

/** Two lists sorted by bySlotOrder as one sorted list. */
export function mergeSlots(a: readonly Slot[], b: readonly Slot[]): Slot[] {
  const out: Slot[] = new Array<Slot>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = bySlotOrder(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

const distinctOfFrozen = new WeakMap<readonly Slot[], readonly Slot[]>();

/**
 * Several duos may offer the same time: residents see one time, booked in the first block.
 * For a frozen list (a kept read) the answer is kept too, and frozen in turn.
 */
export function distinctTimes(slots: readonly Slot[]): readonly Slot[] {
  const frozen = Object.isFrozen(slots);
  const kept = frozen ? distinctOfFrozen.get(slots) : undefined;
  if (kept) return kept;
  const seen = new Set<number>();
  const out = slots.filter((s) => {
    const k = s.start.getTime();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (!frozen) return out;
  Object.freeze(out);
  distinctOfFrozen.set(slots, out);
  return out;
}

export interface SlotDay {
  date: string;
  slots: Slot[];
}

export function groupByDay(slots: readonly Slot[]): SlotDay[] {
  const days = new Map<string, Slot[]>();
  for (const s of slots) {
    const key = localDate(s.start);
    const list = days.get(key) ?? [];
    list.push(s);
    days.set(key, list);
  }
  return [...days].map(([date, list]) => ({ date, slots: list }));
}

/** The `n` free slots nearest in time to `target` (for "just taken, try one of these"). */
export function nearest(slots: readonly Slot[], target: Date, n: number): Slot[] {
  return [...slots]
    .sort(
      (a, b) =>
        Math.abs(a.start.getTime() - target.getTime()) - Math.abs(b.start.getTime() - target.getTime()) ||
        a.start.getTime() - b.start.getTime(),
    )
    .slice(0, n)
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** A slot as it travels in a form field: "<blockId>_<start ISO instant>". */
export function slotKey(s: { blockId: number; start: Date }): string {
  return `${s.blockId}_${s.start.toISOString()}`;
}

/** The id of a slot's radio button: short, as a calendar page holds many ("s12-tkv6o"). */
export function slotInputId(s: { blockId: number; start: Date }): string {
  return `s${s.blockId}-${(s.start.getTime() / 60_000).toString(36)}`;
}

export function parseSlotKey(key: string): { blockId: number; start: Date } | null {
  const m = /^(\d{1,9})_(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)$/.exec(key);
  if (!m) return null;
  const start = new Date(m[2]!);
  // new Date() rolls impossible dates over (2026-02-30 -> 2 March): refuse those.
  if (Number.isNaN(start.getTime()) || start.toISOString() !== m[2]) return null;
  return { blockId: Number(m[1]), start };
}
