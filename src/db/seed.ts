// Demo data: an Arnhem-like municipality with 8 wijkteams, their postcode areas (6811–6846),
// coaches in duos, blocks on weekday mornings and afternoons for the next 3 weeks, some booked.
// Deterministic (a seeded random generator), so a demo looks the same every time.
import { hash } from '@node-rs/argon2';
import { randomUUID } from 'node:crypto';
import { hashToken, newToken } from '../domain/tokens.js';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { DateTime } from 'luxon';
import { local, isWeekend } from '../domain/time.js';
import { insertBlock } from '../features/blocks/repository.js';

export const demoLogins = {
  password: 'keukentafel-demo',
  users: [
    { role: 'coach', email: 'fatima@wijkteam.example.nl' },
    { role: 'teamlead', email: 'teamlead@wijkteam.example.nl' },
    { role: 'frontoffice', email: 'frontoffice@wijkteam.example.nl' },
    { role: 'admin', email: 'admin@wijkteam.example.nl' },
  ],
} as const;

interface TeamSeed {
  slug: string;
  name: string;
  from: number;
  to: number;
  coaches: number;
  phone: string;
}

const teams: TeamSeed[] = [
  { slug: 'centrum', name: 'Wijkteam Centrum', from: 6811, to: 6814, coaches: 20, phone: '026 377 2001' },
  { slug: 'noord', name: 'Wijkteam Noord', from: 6815, to: 6818, coaches: 18, phone: '026 377 2002' },
  { slug: 'oost', name: 'Wijkteam Oost', from: 6821, to: 6823, coaches: 16, phone: '026 377 2003' },
  { slug: 'presikhaaf', name: 'Wijkteam Presikhaaf', from: 6824, to: 6826, coaches: 22, phone: '026 377 2004' },
  { slug: 'zuid', name: 'Wijkteam Zuid', from: 6827, to: 6833, coaches: 24, phone: '026 377 2005' },
  { slug: 'malburgen', name: 'Wijkteam Malburgen', from: 6834, to: 6836, coaches: 20, phone: '026 377 2006' },
  { slug: 'elden', name: 'Wijkteam Elden en Schuytgraaf', from: 6837, to: 6842, coaches: 18, phone: '026 377 2007' },
  { slug: 'west', name: 'Wijkteam West', from: 6843, to: 6846, coaches: 16, phone: '026 377 2008' },
];

const neighbours: Record<string, string[]> = {
  centrum: ['noord', 'oost', 'west'],
  noord: ['centrum', 'west'],
  oost: ['centrum', 'presikhaaf'],
  presikhaaf: ['oost', 'zuid'],
  zuid: ['presikhaaf', 'malburgen'],
  malburgen: ['zuid', 'elden'],
  elden: ['malburgen', 'west'],
  west: ['noord', 'centrum', 'elden'],
};

const firstNames = [
  'Fatima',
  'Jeroen',
  'Sanne',
  'Mohamed',
  'Lotte',
  'Kees',
  'Aylin',
  'Bas',
  'Noor',
  'Pieter',
  'Yasmina',
  'Ruud',
  'Esther',
  'Hakan',
  'Marloes',
  'Daan',
  'Samira',
  'Wim',
  'Inge',
  'Tarik',
  'Anouk',
  'Joost',
  'Merel',
  'Youssef',
  'Femke',
  'Koen',
  'Zeynep',
  'Henk',
  'Ilse',
  'Rachid',
];
const lastNames = [
  'de Vries',
  'Jansen',
  'El Amrani',
  'Bakker',
  'Visser',
  'Yilmaz',
  'Smit',
  'Meijer',
  'de Boer',
  'Mulder',
  'Bouzid',
  'de Groot',
  'Bos',
  'Vos',
  'Peters',
  'Hendriks',
  'van Dijk',
  'Kaya',
  'Dekker',
  'Brouwer',
];
const expertise = ['opvoeding', 'geldzorgen', 'wonen', 'gezondheid', 'eenzaamheid', 'werk', 'ggz', 'ouderen'];
const questions = [
  'Schulden',
  'Ik heb veel rekeningen en ik weet niet meer hoe ik ze moet betalen.',
  'Mijn zoon van 14 gaat niet meer naar school. Wij weten niet wat we moeten doen.',
  'Ik woon alleen sinds mijn man is overleden en ik zie bijna niemand meer.',
  'Mijn moeder kan niet meer goed voor zichzelf zorgen. Ik zorg veel voor haar en ik ben moe.',
  'Ik zoek werk maar het lukt niet. Ik heb ook problemen met mijn huis (schimmel).',
  'Ruzie thuis',
];

/** A small deterministic random generator (mulberry32). */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function isEmpty(db: Kysely<Database>): Promise<boolean> {
  const row = await db
    .selectFrom('team')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n) === 0;
}

export interface SeedOptions {
  /** Share of slots to book (0–1). */
  bookedShare?: number;
  weeks?: number;
  /**
   * Blocks per duo per week, on distinct weekday half-days (at most 10). Absent: about three
   * (each weekday a duo works with a chance of 60%), as in the demo.
   */
  blocksPerDuoPerWeek?: number;
  /** Coaches in all (even numbers per team, spread in proportion). Absent: 154, as listed. */
  coaches?: number;
}

/** Team sizes grown two at a time, smallest growth ratio first, until `total` coaches. */
function coachCounts(total: number | undefined): number[] {
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

export async function seedDemo(db: Kysely<Database>, now: Date, options: SeedOptions = {}): Promise<void> {
  const random = rng(20261124);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const bookedShare = options.bookedShare ?? 0.3;
  const weeks = options.weeks ?? 3;
  const perTeam = coachCounts(options.coaches);
  const passwordHash = await hash(demoLogins.password);

  await db.transaction().execute(async (trx) => {
    const teamIds = new Map<string, number>();
    for (const t of teams) {
      const row = await trx
        .insertInto('team')
        .values({
          slug: t.slug,
          name: t.name,
          phone: t.phone,
          email: `${t.slug}@wijkteam.example.nl`,
          office_address: `Wijkcentrum ${t.name.replace('Wijkteam ', '')}, Arnhem`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      teamIds.set(t.slug, row.id);
      await trx
        .insertInto('team_area')
        .values({ team_id: row.id, postcode_from: `${t.from}AA`, postcode_to: `${t.to}ZZ` })
        .execute();
    }
    for (const [slug, list] of Object.entries(neighbours)) {
      await trx
        .insertInto('team_neighbour')
        .values(list.map((n) => ({ team_id: teamIds.get(slug)!, neighbour_id: teamIds.get(n)! })))
        .execute();
    }

    // Coaches in duos: the first coach of team Centrum is the demo coach login.
    const duos: { teamId: number; a: number; b: number }[] = [];
    let personIndex = 0;
    for (const [teamIndex, t] of teams.entries()) {
      const teamId = teamIds.get(t.slug)!;
      const ids: number[] = [];
      for (let i = 0; i < perTeam[teamIndex]!; i++) {
        const first = firstNames[personIndex % firstNames.length]!;
        const last = lastNames[(personIndex * 7) % lastNames.length]!;
        personIndex += 1;
        const email =
          t.slug === 'centrum' && i === 0
            ? demoLogins.users[0].email
            : `${first.toLowerCase()}.${t.slug}.${i + 1}@wijkteam.example.nl`;
        const row = await trx
          .insertInto('staff_user')
          .values({
            team_id: teamId,
            name: `${first} ${last}`,
            email,
            password_hash: passwordHash,
            role: 'coach',
            expertise: [pick(expertise), pick(expertise)].filter((v, i, a) => a.indexOf(v) === i),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        ids.push(row.id);
      }
      for (let i = 0; i + 1 < ids.length; i += 2) duos.push({ teamId, a: ids[i]!, b: ids[i + 1]! });
    }
    const centrum = teamIds.get('centrum')!;
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
      ])
      .execute();

    // Blocks: every duo takes about three half-days a week (or blocksPerDuoPerWeek), mornings
    // 9:00–12:00 or afternoons 13:30–16:30, from tomorrow on.
    const today = local(now).startOf('day');
    const blocks: { id: number; teamId: number; start: Date; end: Date }[] = [];
    const addBlock = async (duo: (typeof duos)[number], day: DateTime, morning: boolean) => {
      const start = day.set(morning ? { hour: 9, minute: 0 } : { hour: 13, minute: 30 });
      const end = start.plus({ hours: 3 });
      const id = await insertBlock(trx, {
        teamId: duo.teamId,
        start: start.toJSDate(),
        end: end.toJSDate(),
        coachIds: [duo.a, duo.b],
      });
      blocks.push({ id, teamId: duo.teamId, start: start.toJSDate(), end: end.toJSDate() });
    };
    if (options.blocksPerDuoPerWeek === undefined) {
      for (let d = 1; d <= weeks * 7; d++) {
        const day = today.plus({ days: d });
        if (isWeekend(day)) continue;
        for (const duo of duos) {
          if (random() > 0.6) continue;
          await addBlock(duo, day, random() < 0.5);
        }
      }
    } else {
      // A fixed number of half-days per duo in each week from tomorrow, picked at random.
      for (let w = 0; w < weeks; w++) {
        const halfDays: { day: DateTime; morning: boolean }[] = [];
        for (let d = w * 7 + 1; d <= w * 7 + 7; d++) {
          const day = today.plus({ days: d });
          if (!isWeekend(day)) halfDays.push({ day, morning: true }, { day, morning: false });
        }
        const k = Math.min(options.blocksPerDuoPerWeek, halfDays.length);
        for (const duo of duos) {
          const order = [...halfDays];
          for (let i = 0; i < k; i++) {
            const j = i + Math.floor(random() * (order.length - i));
            [order[i], order[j]] = [order[j]!, order[i]!];
          }
          const chosen = order
            .slice(0, k)
            .sort((a, b) => a.day.toMillis() - b.day.toMillis() || Number(b.morning) - Number(a.morning));
          for (const h of chosen) await addBlock(duo, h.day, h.morning);
        }
      }
    }

    // Some of the slots (60 min + 30 min travel: 2 per 3-hour block) are already booked.
    let n = 0;
    for (const b of blocks) {
      for (const offset of [0, 90]) {
        if (random() >= bookedShare) continue;
        n += 1;
        const start = local(b.start).plus({ minutes: offset });
        const resident = await trx
          .insertInto('resident')
          .values({
            name: `${pick(firstNames)} ${pick(lastNames)}`,
            email: `bewoner${n}@example.nl`,
            phone: `06 ${String(10000000 + n).slice(0, 8)}`,
            postcode: '6811AB',
            house_number: String(1 + (n % 80)),
            street: 'Voorbeeldstraat',
            city: 'Arnhem',
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const request = await trx
          .insertInto('request')
          .values({
            resident_id: resident.id,
            team_id: b.teamId,
            channel: pick(['online', 'online', 'online', 'referrer', 'phone'] as const),
            question: pick(questions),
            status: 'scheduled',
            consent_processing_at: now,
            scheduled_at: now,
            idempotency_key: randomUUID(),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('appointment')
          .values({
            request_id: request.id,
            block_id: b.id,
            starts_at: start.toJSDate(),
            ends_at: start.plus({ minutes: 60 }).toJSDate(),
            manage_token_hash: hashToken(newToken()),
          })
          .execute();
      }
    }

    // The queue: call-back requests (one urgent) for team Centrum, and a sign-up from outside
    // every area for the front office to route.
    const waiting = [
      {
        name: 'Henk Dekker',
        phone: '06 20000001',
        question: 'Ik moet morgen mijn huis uit. Wat nu?',
        urgent: true,
        teamId: centrum,
        hoursAgo: 2,
      },
      {
        name: 'Aylin Kaya',
        phone: '06 20000002',
        question: 'Liever eerst even bellen over mijn zoon.',
        urgent: false,
        teamId: centrum,
        hoursAgo: 26,
      },
      { name: 'Pieter Smit', phone: '06 20000003', question: 'Geldzorgen', urgent: false, teamId: null, hoursAgo: 5 },
    ];
    for (const w of waiting) {
      const at = new Date(now.getTime() - w.hoursAgo * 3600_000);
      const resident = await trx
        .insertInto('resident')
        .values({ name: w.name, phone: w.phone, postcode: w.teamId ? '6811AB' : '6900AA', city: 'Arnhem' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('request')
        .values({
          resident_id: resident.id,
          team_id: w.teamId,
          channel: 'online',
          question: w.question,
          status: w.teamId ? 'callback' : 'new',
          urgent_24h: w.urgent,
          safety_flag: w.urgent,
          consent_processing_at: at,
          submitted_at: at,
          assigned_at: w.teamId ? at : null,
          idempotency_key: randomUUID(),
        })
        .execute();
    }
  });
  await sql`analyze`.execute(db);
}
