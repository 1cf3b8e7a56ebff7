// Shared set-up for the referral tests: a team with a duo and a free block, and a referrer who
// walks the steps through app.inject() with CSRF, like a browser.
import { expect } from 'vitest';
import { DateTime } from 'luxon';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Client } from '../helpers/app.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';
import { renderOutbox } from '../helpers/outbox.js';
import { pruneAudit } from '../../src/core/audit-chain.js';

export const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
export const NOW = at('2026-11-24T10:00');
export const QUESTION = 'Moeder heeft grote zorgen over geld en slaapt slecht sinds de scheiding';
export const DONE = 'Gesprek gehad en doorverwezen naar schuldhulp';

export interface World {
  teamId: number;
  blockId: number;
  coachIds: number[];
  slot: (time: string) => string;
}

/** A team for postcodes 6811–6814 with a duo block on 8 December 09:00–12:00 (three slots). */
export async function makeWorld(app: FastifyInstance, name = 'Wijkteam Centrum'): Promise<World> {
  const team = await makeTeam(app.db, { name, from: '6811AA', to: '6814ZZ', phone: '026 377 0000' });
  const a = await makeStaff(app.db, team.id, { name: 'Fatima El Amrani', email: `fatima-${team.id}@example.nl` });
  const b = await makeStaff(app.db, team.id, { name: 'Jeroen Bakker', email: `jeroen-${team.id}@example.nl` });
  const blockId = await makeBlock(app.db, {
    teamId: team.id,
    start: at('2026-12-08T09:00'),
    end: at('2026-12-08T12:00'),
    coachIds: [a.id, b.id],
  });
  return {
    teamId: team.id,
    blockId,
    coachIds: [a.id, b.id],
    slot: (time) => `${blockId}_${at(`2026-12-08T${time}`).toISOString()}`,
  };
}

export const aboutHuisarts = {
  kind: 'huisarts',
  schoolRole: '',
  organisation: 'Huisartsenpraktijk De Linde',
  referrerName: 'Dr. Sara Jansen',
  referrerPhone: '026 111 2222',
  referrerEmail: 'sara.jansen@delinde.nl',
  agbCode: '01234567',
};
export const consentYes = {
  consent: 'yes',
  consentForm: 'spoken',
  consentDate: '20-11-2026',
  feedback: 'yes',
  noConsentReason: '',
};
export const residentAnna = {
  name: 'Anna de Vries',
  phone: '06 12345678',
  email: 'anna@example.nl',
  postcode: '6811 ab',
  houseNumber: '12a',
  street: 'Steenstraat',
  city: 'Arnhem',
  language: 'nl',
  dateOfBirth: '17-05-1984',
};
export const questionPlain = { question: QUESTION, done: DONE, dangerNow: 'no', urgent24h: 'no' };

export interface Steps {
  about?: Record<string, string>;
  consent?: Record<string, string>;
  resident?: Record<string, string>;
  question?: Record<string, string>;
}

/** Walks steps 1–4; each must be accepted (303). Returns the location after the question. */
export async function fillUntilNext(c: Client, s: Steps = {}): Promise<string> {
  const ok = (res: LightMyRequestResponse, step: string) => {
    expect(res.statusCode, `${step}: ${res.body.slice(0, 2000)}`).toBe(303);
    return String(res.headers.location);
  };
  ok(await c.submit('/verwijzen', { ...aboutHuisarts, ...s.about }), 'about you');
  ok(await c.submit('/verwijzen/toestemming', { ...consentYes, ...s.consent }), 'consent');
  ok(await c.submit('/verwijzen/inwoner', { ...residentAnna, ...s.resident }), 'resident');
  return ok(await c.submit('/verwijzen/vraag', { ...questionPlain, ...s.question }), 'question');
}

/** A whole referral that books `slot` (place/threeWay/location as given). */
export async function referAndBook(
  c: Client,
  slot: string,
  moment: Record<string, string> = {},
  s: Steps = {},
): Promise<LightMyRequestResponse> {
  expect(await fillUntilNext(c, s)).toBe('/verwijzen/vervolg');
  expect((await c.submit('/verwijzen/vervolg', { next: 'book' })).headers.location).toBe('/verwijzen/moment');
  const res = await c.submit('/verwijzen/moment', { slot, place: 'home', threeWay: '', location: '', ...moment });
  expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
  expect(res.headers.location).toBe('/verwijzen/controleren');
  return c.submit('/verwijzen/controleren', {});
}

export async function outbox(app: FastifyInstance) {
  await renderOutbox(app);
  return app.db
    .selectFrom('outbox_message')
    .select(['id', 'to_address', 'subject', 'body_text', 'ics'])
    .orderBy('id')
    .execute();
}

export async function counts(app: FastifyInstance): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['resident', 'request', 'referrer', 'appointment', 'outbox_message', 'draft'] as const) {
    out[table] = Number(
      (
        await app.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  }
  return out;
}

/** Empties what a referral writes, so each test counts from zero (teams and blocks stay). */
export async function clean(app: FastifyInstance): Promise<void> {
  // The audit log is append-only: its entries go the one way the database allows.
  await pruneAudit(app.db, new Date('9999-12-31T00:00:00Z'));
  for (const table of [
    'outbox_message',
    'appointment',
    'request',
    'referrer',
    'resident',
    'draft',
    'referrer_contact',
  ] as const) {
    await app.db.deleteFrom(table).execute();
  }
}
