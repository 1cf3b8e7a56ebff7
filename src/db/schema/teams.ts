// The tables of the organisation: teams with their postcode areas and neighbours, and the blocks
// their coaches reserve for first conversations.
import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, LocationKind, Timestamp } from './columns.js';

export interface TeamTable {
  id: Generated<number>;
  slug: string;
  name: string;
  phone: string;
  email: string;
  office_address: string;
  horizon_days: Generated<number>;
  min_notice_days: Generated<number>;
  promise_days: Generated<number>;
  free_slot_threshold: Generated<number>;
  reminder_days: Generated<number>;
  created_at: CreatedAt;
}

export interface TeamNeighbourTable {
  team_id: number;
  neighbour_id: number;
}

export interface TeamAreaTable {
  id: Generated<number>;
  team_id: number;
  postcode_from: string;
  postcode_to: string;
}

export interface BlockTable {
  id: Generated<number>;
  team_id: number;
  starts_at: Timestamp;
  ends_at: Timestamp;
  solo: Generated<boolean>;
  slot_minutes: Generated<number>;
  buffer_minutes: Generated<number>;
  location_kind: Generated<LocationKind>;
  status: Generated<'active' | 'cancelled'>;
  series_id: string | null;
  created_by: number | null;
  created_at: CreatedAt;
}

export interface BlockCoachTable {
  block_id: number;
  coach_id: number;
  /** tstzrange, written as '[start,end)' text; set from the block by trigger on every write */
  period: string;
  active: Generated<boolean>;
}

/** A team's free capacity as noted once a day (figures: the first free moment over time). */
export interface CapacitySnapshotTable {
  team_id: number;
  /** The local date (Europe/Amsterdam) the note is for, 'YYYY-MM-DD'. */
  day: ColumnType<string, string, string>;
  first_free_at: Timestamp | null;
  /** Free slots a resident can book in the next 14 days. */
  free_soon: number;
  /** Free slots up to the team's horizon. */
  free_ahead: number;
  taken_at: Timestamp;
}
