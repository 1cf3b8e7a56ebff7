// The demo's staff: coaches in duos per team (the first coach of team Centrum is the demo coach
// login), and one team lead, one front office, one admin, one municipal policy officer (beleid) and
// the privacy officer's desk (privacy),
// all with the documented password.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { expertise, firstNames, lastNames, teams } from './demo-data.js';
import type { Dice } from './random.js';

export const demoLogins = {
  password: 'keukentafel-demo',
  users: [
    { role: 'coach', email: 'fatima@wijkteam.example.nl' },
    { role: 'teamlead', email: 'teamlead@wijkteam.example.nl' },
    { role: 'frontoffice', email: 'frontoffice@wijkteam.example.nl' },
    { role: 'admin', email: 'admin@wijkteam.example.nl' },
    { role: 'beleid', email: 'beleid@gemeente.example.nl' },
    { role: 'privacy', email: 'privacy@gemeente.example.nl' },
  ],
} as const;

/** Two coaches of one team who work together. */
export interface Duo {
  teamId: number;
  a: number;
  b: number;
}

/** Team sizes grown two at a time, smallest growth ratio first, until `total` coaches. */
export function coachCounts(total: number | undefined): number[] {
  const counts = teams.map((t) => t.coaches);
  if (total === undefined) return counts;
  let sum = counts.reduce((a, b) => a + b, 0);
  while (sum + 2 <= total) {
    let best = 0;
    for (let i = 1; i < counts.length; i++) {
      if (counts[i]! / teams[i]!.coaches < counts[best]! / teams[best]!.coaches) best = i;
    }
    counts[best]! += 2;
    sum += 2;
  }
  return counts;
}

/** Writes `perTeam[i]` coaches for the i-th team and pairs them in duos, in order. */
export async function insertCoaches(
  trx: Kysely<Database>,
  teamIds: Map<string, number>,
  perTeam: number[],
  passwordHash: string,
  dice: Dice,
): Promise<Duo[]> {
  const duos: Duo[] = [];
  let personIndex = 0;
  for (const [teamIndex, t] of teams.entries()) {
    const teamId = teamIds.get(t.slug)!;
    const rows = [];
    for (let i = 0; i < perTeam[teamIndex]!; i++) {
      const first = firstNames[personIndex % firstNames.length]!;
      const last = lastNames[(personIndex * 7) % lastNames.length]!;
      personIndex += 1;
      const email =
        t.slug === 'centrum' && i === 0
          ? demoLogins.users[0].email
          : `${first.toLowerCase()}.${t.slug}.${i + 1}@wijkteam.example.nl`;
      rows.push({
        team_id: teamId,
        name: `${first} ${last}`,
        email,
        password_hash: passwordHash,
        role: 'coach' as const,
        expertise: [dice.pick(expertise), dice.pick(expertise)].filter((v, i, a) => a.indexOf(v) === i),
      });
    }
    // One statement per team; the ids in the order written (matched by address).
    const written = rows.length
      ? await trx.insertInto('staff_user').values(rows).returning(['id', 'email']).execute()
      : [];
    const idOf = new Map(written.map((r) => [r.email, r.id]));
    const ids = rows.map((r) => idOf.get(r.email)!);
    for (let i = 0; i + 1 < ids.length; i += 2) duos.push({ teamId, a: ids[i]!, b: ids[i + 1]! });
  }
  return duos;
}

/** The team lead of team Centrum, the front office and the admin. */
export async function insertOfficeStaff(trx: Kysely<Database>, centrum: number, passwordHash: string): Promise<void> {
  await trx
    .insertInto('staff_user')
    .values([
      {
        team_id: centrum,
        name: 'Marieke Teunissen',
        email: demoLogins.users[1].email,
        password_hash: passwordHash,
        role: 'teamlead',
      },
      {
        team_id: null,
        name: 'Sevda Aksoy',
        email: demoLogins.users[2].email,
        password_hash: passwordHash,
        role: 'frontoffice',
      },
      {
        team_id: null,
        name: 'Beheer Gemeente',
        email: demoLogins.users[3].email,
        password_hash: passwordHash,
        role: 'admin',
      },
      {
        team_id: null,
        name: 'Jeroen Verhoeven',
        email: demoLogins.users[4].email,
        password_hash: passwordHash,
        role: 'beleid',
      },
      {
        team_id: null,
        name: 'Noor de Vries',
        email: demoLogins.users[5].email,
        password_hash: passwordHash,
        role: 'privacy',
      },
    ])
    .execute();
}
