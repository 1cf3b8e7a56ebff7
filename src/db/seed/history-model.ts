// The shape of a seeded history: one request's story as plain data, from sign-up to closure, with
// every appointment it had. history.ts writes stories; history-stories.ts invents a year of them.
import type { AppointmentTable, Channel } from '../schema.js';

export type Result = NonNullable<AppointmentTable['result']>;

export interface StoryAppointment {
  startsAt: Date;
  /** When it was booked. */
  createdAt: Date;
  /** null: still booked. */
  outcome: 'held' | 'no_show' | 'cancelled' | null;
  result?: Result | null;
  cancelledAt?: Date;
  cancelledBy?: 'resident' | 'staff';
}

export interface StoryResident {
  name: string;
  email?: string;
  phone?: string;
  postcode?: string;
}

export interface Story {
  teamId: number;
  /** A new resident; absent when `sameResidentAs` names an earlier story's resident. */
  resident?: StoryResident;
  /** Index of an earlier story in the same list whose resident this is. */
  sameResidentAs?: number;
  channel: Channel;
  /** Writes a referrer of this kind (huisarts, school, ...). */
  referrerKind?: string;
  urgent?: boolean;
  submittedAt: Date;
  /** Asked to be called back (at submittedAt). */
  callbackRequested?: boolean;
  callbackDoneAt?: Date;
  appointments: StoryAppointment[];
  planAt?: Date;
  closedAt?: Date;
  /** Ended without (further) help: request status 'cancelled'. */
  withdrawn?: boolean;
  /** Index of the earlier story this one returns after (returning resident). */
  returningOf?: number;
}

/** A duo of coaches of one team (as insertCoaches answers them). */
export interface HistoryDuo {
  teamId: number;
  a: number;
  b: number;
}

/** A period in which a team ran late: waiting times and the first free moment go up. */
export interface LatePeriod {
  teamId: number;
  from: Date;
  to: Date;
}

/** Minutes of a seeded conversation; blocks are 3 hours with slots every 90 minutes. */
export const CONVERSATION_MINUTES = 60;
