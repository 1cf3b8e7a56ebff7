// Mails about a new or changed staff account: to the person concerned (also at the old address
// when it changed), to the other active admins and to the team leads of the teams involved.
// So no admin can give anyone access to case content without a second person hearing of it.
import type { Transaction } from 'kysely';
import type { Database, Role } from '../../db/schema.js';
import { translator } from '../../core/i18n.js';
import { enqueueMails, type OutgoingMail } from '../../core/mail/outbox.js';

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

export async function accountNotices(trx: Transaction<Database>, n: AccountNotice): Promise<void> {
  const t = translator('nl');
  const teamIds = [...new Set(n.teams.filter((x): x is number => x !== null))];
  const teams = teamIds.length
    ? await trx.selectFrom('team').select(['id', 'name']).where('id', 'in', teamIds).execute()
    : [];
  const teamName = (id: number | null) =>
    id === null ? t('admin.notice.noTeam') : (teams.find((x) => x.id === id)?.name ?? '?');
  const role = (r: Role) => t(`staff.roles.${r}`);
  const line = (c: AccountChange) => {
    const [from, to] =
      c.field === 'role'
        ? [role(c.from), role(c.to)]
        : c.field === 'team'
          ? [teamName(c.from), teamName(c.to)]
          : c.field === 'active'
            ? [t(`admin.notice.active.${c.from}`), t(`admin.notice.active.${c.to}`)]
            : [c.from, c.to];
    return `- ${t(`admin.notice.field.${c.field}`)}: ${from} → ${to}`;
  };
  const lines = n.created
    ? [
        `- ${t('admin.notice.field.role')}: ${role(n.created.role)}`,
        `- ${t('admin.notice.field.team')}: ${teamName(n.created.teamId)}`,
      ]
    : n.changes.map(line);

  const watchers = await trx
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

  const mails: OutgoingMail[] = [];
  const first = (name: string) => name.split(' ')[0]!;
  if (!n.created) {
    const ended = n.changes.some((c) => c.field === 'active' && !c.to)
      ? 'admin.notice.self.deactivated'
      : 'admin.notice.self.loggedOut';
    const text = [
      t('mail.greeting', { name: first(n.subject.name) }),
      '',
      t('admin.notice.self.intro', { actor: n.actor.name }),
      '',
      ...lines,
      '',
      t(ended),
      '',
      t('admin.notice.self.notRight'),
    ].join('\n');
    for (const to of [n.subject.email, n.subject.oldEmail])
      if (to) mails.push({ to, subject: t('admin.notice.self.subject'), text });
  }
  for (const w of watchers) {
    const intro = n.created ? 'admin.notice.others.created' : 'admin.notice.others.changed';
    mails.push({
      to: w.email,
      subject: t(n.created ? 'admin.notice.others.subjectCreated' : 'admin.notice.others.subjectChanged', {
        name: n.subject.name,
      }),
      text: [
        t('mail.greeting', { name: first(w.name) }),
        '',
        t(intro, { actor: n.actor.name, name: n.subject.name }),
        '',
        ...lines,
        '',
        t('admin.notice.others.why'),
        t('admin.notice.others.notRight'),
      ].join('\n'),
    });
  }
  await enqueueMails(trx, mails);
}
