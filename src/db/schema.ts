// The database as Kysely sees it. Mirrors migrations/; nullable columns are `T | null`. The
// table interfaces are in schema/ (by subject); imports of them go through this file.
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { AbsenceTable, LoginThrottleTable, StaffTokenTable, StaffUserTable } from './schema/staff.js';
import type {
  BlockCoachTable,
  BlockTable,
  CapacitySnapshotTable,
  TeamAreaTable,
  TeamNeighbourTable,
  TeamTable,
} from './schema/teams.js';
import type {
  AppointmentTable,
  ManageLinkTable,
  ReferrerContactTable,
  ReferrerTable,
  RequestTable,
  ResidentTable,
  ReturnLinkTable,
} from './schema/cases.js';
import type {
  AuditCheckpointTable,
  AuditEventTable,
  AuditHeadTable,
  DraftTable,
  OutboxMessageTable,
  SettingTable,
} from './schema/records.js';

export type * from './schema/columns.js';
export type * from './schema/teams.js';
export type * from './schema/staff.js';
export type * from './schema/cases.js';
export type * from './schema/records.js';

export interface Database {
  staff_token: StaffTokenTable;
  login_throttle: LoginThrottleTable;
  absence: AbsenceTable;
  team: TeamTable;
  team_neighbour: TeamNeighbourTable;
  team_area: TeamAreaTable;
  staff_user: StaffUserTable;
  block: BlockTable;
  block_coach: BlockCoachTable;
  resident: ResidentTable;
  referrer: ReferrerTable;
  referrer_contact: ReferrerContactTable;
  request: RequestTable;
  appointment: AppointmentTable;
  manage_link: ManageLinkTable;
  outbox_message: OutboxMessageTable;
  audit_event: AuditEventTable;
  audit_checkpoint: AuditCheckpointTable;
  audit_head: AuditHeadTable;
  draft: DraftTable;
  return_link: ReturnLinkTable;
  capacity_snapshot: CapacitySnapshotTable;
  setting: SettingTable;
}

export type Team = Selectable<TeamTable>;
export type StaffUser = Selectable<StaffUserTable>;
export type Block = Selectable<BlockTable>;
export type Appointment = Selectable<AppointmentTable>;
export type Request = Selectable<RequestTable>;
export type Resident = Selectable<ResidentTable>;
export type NewOutboxMessage = Insertable<OutboxMessageTable>;
export type TeamUpdate = Updateable<TeamTable>;
