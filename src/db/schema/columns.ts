// The column types the table interfaces share, and the values of the enum-like columns.
import type { ColumnType } from 'kysely';

export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
// jsonb columns default to '{}', so an insert may leave them out.
export type Json<T> = ColumnType<T, string | T | undefined, string | T>;

export type Role = 'coach' | 'teamlead' | 'frontoffice' | 'admin' | 'beleid' | 'privacy';
export type LocationKind = 'home' | 'office' | 'school';
export type AppointmentMode = 'home' | 'office' | 'phone' | 'video';
export type AppointmentStatus = 'booked' | 'cancelled' | 'held' | 'no_show';
export type RequestStatus = 'new' | 'callback' | 'scheduled' | 'held' | 'closed' | 'cancelled';
export type Channel = 'online' | 'referrer' | 'phone' | 'walkin';
export type About = 'self' | 'child' | 'partner' | 'parent' | 'other';
