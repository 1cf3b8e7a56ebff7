// SQL for the booked appointments of blocks: who is booked in them (for the pages that move or
// cancel them), and when (for the checks on a block's new times).
import { appointmentsOfBlocks } from '../../core/appointment-query.js';
import { busyInBlocks } from '../../core/blocks.js';
import type { Db } from '../../core/db.js';

export interface BookedAppointment {
  id: number;
  block_id: number;
  request_id: number;
  starts_at: Date;
  ends_at: Date;
  mode: string;
  resident_name: string;
  resident_email: string | null;
  resident_phone: string | null;
}

/** The booked appointments in the given blocks, by time. */
export async function bookedIn(db: Db, blockIds: number[]): Promise<BookedAppointment[]> {
  if (blockIds.length === 0) return [];
  return appointmentsOfBlocks(db, blockIds)
    .select([
      'appointment.id',
      'appointment.block_id',
      'appointment.request_id',
      'appointment.starts_at',
      'appointment.ends_at',
      'appointment.mode',
      'resident.name as resident_name',
      'resident.email as resident_email',
      'resident.phone as resident_phone',
    ])
    .where('appointment.status', '=', 'booked')
    .orderBy('appointment.id')
    .execute();
}

/** The times of the booked appointments, per block. */
export async function bookedTimes(
  db: Db,
  blockIds: number[],
): Promise<Map<number, { starts_at: Date; ends_at: Date }[]>> {
  const out = new Map<number, { starts_at: Date; ends_at: Date }[]>(blockIds.map((id) => [id, []]));
  for (const r of await busyInBlocks(db, blockIds)) out.get(r.block_id)!.push(r);
  return out;
}
