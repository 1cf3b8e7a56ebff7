// Mails about a new or changed staff account: to the person concerned (also at the old address
// when it changed), to the other active admins and to the team leads of the teams involved.
// So no admin can give anyone access to case content without a second person hearing of it.
import type { Transaction } from 'kysely';
import type { Database, Role } from '../../db/schema.js';
import { translator } from '../../core/i18n.js';
import { enqueueMails, type OutgoingMail } from '../../core/mail/outbox.js';
import { mailText } from '../../core/mail/render.js';

export type AccountChange =
  | { field: 'role'; from: Role; to: Role }
  | { field: 'team'; from: number | null; to: number | null }
  | { field: 'email'; from: string; to: string }
  | { field: 'active'; from: boolean; to: boolean };

export interface AccountNotice {
  subject: { id: number; name: string; email: string; oldEmail: string | null };
  actor: { id: number; name: string };
  teams: Array<number | null>;
  /** Set for a new account (the person gets their invitation instead of a notice). */
  created: { role: Role; teamId: number | null } | null;
  changes: AccountChange[];
}

/** One line of the notice: the field, the old value (none for a new account) and the new one. */
interface ChangeLine {
  field: AccountChange['field'];
  from: string | null;
  to: string;
}

type Trx = Transaction<Database>;

export async function accountNotices(trx: Trx, n: AccountNotice): Promise<void> {
  const teamIds = [...new Set(n.teams.filter((x): x is number => x !== null))];
  const changes = changeLines(n, await teamNames(trx, teamIds));
  const watchers = await watchersOf(trx, n, teamIds);
  await enqueueMails(trx, [...selfMails(n, changes), ...watchers.map((w) => watcherMail(n, w, changes))]);
}

/** The names of the teams involved, by id; "no team" for none. */
async function teamNames(trx: Trx, teamIds: number[]): Promise<(id: number | null) => string> {
  const t = translator('nl');
  const teams = teamIds.length
    ? await trx.selectFrom('team').select(['id', 'name']).where('id', 'in', teamIds).execute()
    : [];
  return (id) => (id === null ? t('admin.notice.noTeam') : (teams.find((x) => x.id === id)?.name ?? '?'));
}

function changeLines(n: AccountNotice, teamName: (id: number | null) => string): ChangeLine[] {
  const t = translator('nl');
  const role = (r: Role) => t(`staff.roles.${r}`);
  if (n.created)
    return [
      { field: 'role', from: null, to: role(n.created.role) },
      { field: 'team', from: null, to: teamName(n.created.teamId) },
    ];
  return n.changes.map((c) => {
    const [from, to] =
      c.field === 'role'
        ? [role(c.from), role(c.to)]
        : c.field === 'team'
          ? [teamName(c.from), teamName(c.to)]
          : c.field === 'active'
            ? [t(`admin.notice.active.${c.from}`), t(`admin.notice.active.${c.to}`)]
            : [c.from, c.to];
    return { field: c.field, from, to };
  });
}

/** The other active admins, and the team leads of the teams involved. */
async function watchersOf(trx: Trx, n: AccountNotice, teamIds: number[]) {
  return trx
    .selectFrom('staff_user')
    .select(['id', 'name', 'email'])
    .where('active', '=', true)
    .where('id', 'not in', [n.subject.id, n.actor.id])
    .where((eb) =>
      eb.or([
        eb('role', '=', 'admin'),
        ...(teamIds.length ? [eb.and([eb('role', '=', 'teamlead'), eb('team_id', 'in', teamIds)])] : []),
      ]),
    )
    .orderBy('id')
    .execute();
}

const first = (name: string) => name.split(' ')[0]!;

/** The person concerned hears of a change (a new account gets its invitation instead). */
function selfMails(n: AccountNotice, changes: ChangeLine[]): OutgoingMail[] {
  if (n.created) return [];
  const text = mailText('admin/account-self', 'nl', {
    name: first(n.subject.name),
    actor: n.actor.name,
    changes,
    deactivated: n.changes.some((c) => c.field === 'active' && !c.to),
  });
  const t = translator('nl');
  const subject = t('admin.notice.self.subject');
  return [n.subject.email, n.subject.oldEmail]
    .filter((to): to is string => Boolean(to))
    .map((to) => ({ to, subject, text }));
}

function watcherMail(n: AccountNotice, w: { name: string; email: string }, changes: ChangeLine[]): OutgoingMail {
  const t = translator('nl');
  return {
    to: w.email,
    subject: t(n.created ? 'admin.notice.others.subjectCreated' : 'admin.notice.others.subjectChanged', {
      name: n.subject.name,
    }),
    text: mailText('admin/account-others', 'nl', {
      name: first(w.name),
      created: n.created !== null,
      actor: n.actor.name,
      subject: n.subject.name,
      changes,
    }),
  };
}
