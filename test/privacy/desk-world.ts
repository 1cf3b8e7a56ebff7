// Two residents of one team with the same coach, for the privacy desk's tests: each with a request
// (the question encrypted as the portal stores it), an appointment in the duo's block, a referrer,
// mails and audit entries of staff who viewed their case. Everything about Anna must show in her
// export, nothing about Bram.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { FastifyInstance } from 'fastify';
import { encryptText } from '../../src/core/secret-text.js';
import { audit } from '../../src/core/audit.js';
import { makeBlock, makeTeam, newTokenHash } from '../helpers/fixtures.js';
import { makeLogin } from '../helpers/staff.js';

export const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
export const NOW = at('2026-11-24T10:00');

export interface Person {
  residentId: number;
  requestId: number;
  appointmentId: number;
  referrerId: number;
  name: string;
  email: string;
  phone: string;
  street: string;
  city: string;
  dateOfBirth: string;
  question: string;
  referrerName: string;
  referrerEmail: string;
  mailSubject: string;
}

export const ANNA = {
  name: 'Anna Zwanenburg',
  email: 'anna.zwanenburg@voorbeeld.nl',
  phone: '06 1111 2233',
  street: 'Lindelaan',
  city: 'Arnhem',
  dateOfBirth: '1979-03-14',
  question: 'Mijn schulden groeien mij boven het hoofd sinds de scheiding',
  referrerName: 'Dokter Hagelslag',
  referrerEmail: 'hagelslag@huisarts.example.nl',
  mailSubject: 'Uw afspraak met het wijkteam (Anna)',
};

export const BRAM = {
  name: 'Bram Quakkelaar',
  email: 'bram.quakkelaar@voorbeeld.nl',
  phone: '06 9999 8877',
  street: 'Eikenhof',
  city: 'Velp',
  dateOfBirth: '1990-07-02',
  question: 'Mijn zoon spijbelt al weken en ik weet niet meer wat te doen',
  referrerName: 'Juf Kwispel',
  referrerEmail: 'kwispel@school.example.nl',
  mailSubject: 'Uw afspraak met het wijkteam (Bram)',
};

export interface DeskWorld {
  teamId: number;
  coachId: number;
  partnerId: number;
  anna: Person;
  bram: Person;
}

async function person(
  app: FastifyInstance,
  w: { teamId: number; coachId: number; partnerId: number; blockId: number },
  p: typeof ANNA,
  slot: number,
  status: 'held' | 'scheduled',
): Promise<Person> {
  const db = app.db;
  const referrer = await db
    .insertInto('referrer')
    .values({
      kind: 'huisarts',
      organisation: 'Praktijk Noord',
      name: p.referrerName,
      email: p.referrerEmail,
      phone: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const resident = await db
    .insertInto('resident')
    .values({
      name: p.name,
      email: p.email,
      phone: p.phone,
      street: p.street,
      house_number: '12',
      postcode: '6811AB',
      city: p.city,
      date_of_birth: p.dateOfBirth,
      lead_coach_id: w.coachId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const request = await db
    .insertInto('request')
    .values({
      resident_id: resident.id,
      team_id: w.teamId,
      referrer_id: referrer.id,
      channel: 'referrer',
      question: encryptText(app.config.questionKeys, p.question),
      idempotency_key: randomUUID(),
      submitted_at: at('2026-11-02T09:00'),
      status,
      lead_coach_id: w.coachId,
      consent_processing_at: at('2026-11-02T09:00'),
      consent_referrer_at: at('2026-11-02T09:00'),
      consent_feedback: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const start = at(`2026-11-10T${String(9 + slot).padStart(2, '0')}:00`);
  const appointment = await db
    .insertInto('appointment')
    .values({
      request_id: request.id,
      block_id: w.blockId,
      starts_at: start,
      ends_at: new Date(start.getTime() + 3_600_000),
      manage_token_hash: newTokenHash(),
      status: status === 'held' ? 'held' : 'booked',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('outbox_message')
    .values([
      {
        to_address: p.email,
        subject: p.mailSubject,
        body_text: `Beste ${p.name}, tot dan.`,
        status: 'sent',
        sent_at: at('2026-11-02T09:01'),
      },
      { to_address: p.referrerEmail, subject: `Aanmelding ontvangen`, body_text: `Voor ${p.name}.`, status: 'sent' },
    ])
    .execute();
  // Staff who opened the case, as the case pages write it.
  await audit(db, {
    action: 'case_viewed',
    actorStaffId: w.coachId,
    subjectType: 'request',
    subjectId: request.id,
    teamId: w.teamId,
    at: at('2026-11-03T10:00'),
  });
  await audit(db, {
    action: 'appointment_moved',
    actorStaffId: w.partnerId,
    subjectType: 'appointment',
    subjectId: appointment.id,
    teamId: w.teamId,
    at: at('2026-11-04T10:00'),
  });
  return {
    ...p,
    residentId: resident.id,
    requestId: request.id,
    appointmentId: appointment.id,
    referrerId: referrer.id,
  };
}

export async function deskWorld(app: FastifyInstance): Promise<DeskWorld> {
  const team = await makeTeam(app.db, { name: 'Wijkteam Privacy' });
  const coach = await makeLogin(app, team.id, 'coach', 'Coach Wilma Wijk');
  const partner = await makeLogin(app, team.id, 'coach', 'Coach Piet Paal');
  const blockId = await makeBlock(app.db, {
    teamId: team.id,
    start: at('2026-11-10T09:00'),
    end: at('2026-11-10T12:00'),
    coachIds: [coach.id, partner.id],
  });
  const w = { teamId: team.id, coachId: coach.id, partnerId: partner.id, blockId };
  const anna = await person(app, w, ANNA, 0, 'held');
  const bram = await person(app, w, BRAM, 1, 'scheduled');
  return { teamId: team.id, coachId: coach.id, partnerId: partner.id, anna, bram };
}
