// Any process can die at any moment: every multi-step write is one transaction or safe to repeat.
//
// A kill between two statements of a transaction leaves what a rollback leaves: nothing. To stop
// a write between two statements for real, a trigger makes the later statement fail (the mail's
// outbox row, the draft's update), and the tests check that nothing of the earlier statements
// remains. A write outside one transaction would keep its first statement: these tests fail then.
// The other half: a form posted again (after an answer that never came) stores nothing twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { Client, createTestApp, csrfFrom, type TestApp } from './helpers/app.js';
import { onServer, tableCounts } from './helpers/db.js';
import { makeBlock, makeStaff, makeTeam } from './helpers/fixtures.js';
import { loggedIn, makeLogin } from './helpers/staff.js';
import { at, makeWorld, NOW, send } from './staff/blocks-world.js';
import type { Database } from '../src/db/schema.js';
import { up as repeatSafePosts } from '../migrations/20261130T1400-repeat-safe-posts.js';

/** Every `op` on `table` fails while `run` runs: the process stops at that statement. */
async function stoppedAt<T>(
  db: Kysely<Database>,
  table: 'outbox_message' | 'draft',
  op: 'insert' | 'update',
  run: () => Promise<T>,
): Promise<T> {
  await sql`create or replace function stop_here() returns trigger language plpgsql as $$ begin raise exception 'stopped here'; end $$`.execute(
    db,
  );
  await sql
    .raw(`create trigger stop_here before ${op} on ${table} for each row execute function stop_here()`)
    .execute(db);
  try {
    return await run();
  } finally {
    await sql.raw(`drop trigger stop_here on ${table}`).execute(db);
  }
}

const slotKey = (blockId: number, local: string) => `${blockId}_${at(local).toISOString()}`;

describe(`crash safety (${onServer ? 'server' : 'embedded'} database)`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
  });
  afterAll(async () => t?.close());

  const mailsTo = async (to: string) =>
    (await t.app.db.selectFrom('outbox_message').select('subject').where('to_address', '=', to).execute()).map(
      (m) => m.subject,
    );

  describe('a stop before the mail is written leaves nothing of the change', () => {
    it('a sign-up: no resident, request or appointment; the same submit books once the mail can be written', async () => {
      const team = await makeTeam(t.app.db, { from: '6831AA', to: '6831ZZ' });
      const coaches = [await makeStaff(t.app.db, team.id), await makeStaff(t.app.db, team.id)];
      const blockId = await makeBlock(t.app.db, {
        teamId: team.id,
        start: at('2026-12-08T09:00'),
        end: at('2026-12-08T12:00'),
        coachIds: coaches.map((x) => x.id),
      });
      const c = new Client(t.app);
      await c.submit('/aanmelden', { postcode: '6831AB', houseNumber: '3' });
      await c.submit('/aanmelden/vraag', {
        question: 'Hulp bij post',
        about: 'self',
        dangerNow: 'no',
        urgent24h: 'no',
      });
      await c.submit('/aanmelden/moment', { slot: slotKey(blockId, '2026-12-08T09:00'), mode: 'home' });
      await c.submit('/aanmelden/gegevens', {
        name: 'Anna',
        email: 'anna.stop@example.nl',
        phone: '',
        street: 'Steenstraat 3',
        city: 'Arnhem',
        language: 'nl',
        dateOfBirth: '',
        companion: '',
        consent: 'yes',
      });

      // The browser sends the same form each time.
      const confirm = { _csrf: csrfFrom((await c.get('/aanmelden/controleren')).body) };
      const before = await tableCounts(t.app.db);
      const stopped = await stoppedAt(t.app.db, 'outbox_message', 'insert', () =>
        c.post('/aanmelden/controleren', confirm),
      );
      expect(stopped.statusCode).toBe(500);
      expect(await tableCounts(t.app.db)).toEqual(before);

      for (let i = 0; i < 2; i++)
        expect((await c.post('/aanmelden/controleren', confirm)).headers.location).toBe('/aanmelden/bevestiging');
      expect(
        await t.app.db.selectFrom('appointment').select('id').where('block_id', '=', blockId).execute(),
      ).toHaveLength(1);
      expect(await mailsTo('anna.stop@example.nl')).toHaveLength(1);
    });

    it('a move or a cancel through the manage link: the appointment stays as it was', async () => {
      const w = await makeWorld(t.app);
      const b = await w.block([w.fatima, w.jeroen], '2026-12-09T09:00', '2026-12-09T12:00');
      const a = await w.book(b, '2026-12-09T09:00');
      const c = new Client(t.app);
      const row = () =>
        t.app.db
          .selectFrom('appointment')
          .innerJoin('request', 'request.id', 'appointment.request_id')
          .select(['appointment.starts_at', 'appointment.status', 'request.status as request_status'])
          .where('appointment.id', '=', a.id)
          .executeTakeFirstOrThrow();
      const before = await row();
      await stoppedAt(t.app.db, 'outbox_message', 'insert', async () => {
        expect(
          (await c.submit(`/afspraak/${a.token}/verzetten`, { slot: slotKey(b, '2026-12-09T10:30'), mode: 'home' }))
            .statusCode,
        ).toBe(500);
        expect((await c.submit(`/afspraak/${a.token}/annuleren`, { reason: '' })).statusCode).toBe(500);
      });
      expect(await row()).toEqual(before);
      expect(before.status).toBe('booked');
      expect(await mailsTo(a.email)).toEqual([]);
    });

    it('a cancelled block whose appointments move and are cancelled: block, appointments and requests stay', async () => {
      const w = await makeWorld(t.app);
      const x = await w.block([w.fatima, w.jeroen], '2026-12-10T09:00', '2026-12-10T12:00');
      const y = await w.block([w.sanne, w.mohamed], '2026-12-10T09:00', '2026-12-10T12:00');
      const anna = await w.book(x, '2026-12-10T09:00');
      const bob = await w.book(x, '2026-12-10T10:30');
      const fatima = await w.as(w.fatima);
      const state = async () => ({
        blocks: await w.blocks(),
        coaches: await w.coachRows(x),
        appointments: await t.app.db
          .selectFrom('appointment')
          .selectAll()
          .where('id', 'in', [anna.id, bob.id])
          .orderBy('id')
          .execute(),
        requests: await t.app.db
          .selectFrom('request')
          .select(['id', 'status'])
          .where('id', 'in', [anna.requestId, bob.requestId])
          .orderBy('id')
          .execute(),
      });
      const before = await state();
      const res = await stoppedAt(t.app.db, 'outbox_message', 'insert', () =>
        send(fatima, `/medewerker/blokken/${x}/annuleren`, {
          [`choice_${anna.id}`]: 'move',
          [`target_${anna.id}`]: slotKey(y, '2026-12-10T09:00'),
          [`choice_${bob.id}`]: 'cancel',
        }),
      );
      expect(res.statusCode).toBe(500);
      expect(await state()).toEqual(before);
    });

    it('an absence handled by going solo: the absent coach stays in the block', async () => {
      const w = await makeWorld(t.app);
      const b = await w.block([w.fatima, w.jeroen], '2026-12-14T09:00', '2026-12-14T12:00');
      await w.book(b, '2026-12-14T09:00');
      const fatima = await w.as(w.fatima);
      const entered = await send(fatima, '/medewerker/afwezigheid/nieuw', {
        fromDate: '2026-12-14',
        fromTime: '',
        untilDate: '2026-12-14',
        untilTime: '',
        kind: 'sick',
        note: '',
      });
      const page = String(entered.headers.location);
      const before = { blocks: await w.blocks(), coaches: await w.coachRows(b) };
      const res = await stoppedAt(t.app.db, 'outbox_message', 'insert', () =>
        send(fatima, page, { [`action_${b}`]: 'solo' }),
      );
      expect(res.statusCode).toBe(500);
      expect({ blocks: await w.blocks(), coaches: await w.coachRows(b) }).toEqual(before);
    });

    it('a staff account, a password reset link and a return link are not stored without their mail', async () => {
      const admin = await loggedIn(t.app, (await makeLogin(t.app, null, 'admin')).email);
      const team = await makeTeam(t.app.db);
      const coach = await makeLogin(t.app, team.id, 'coach');
      const before = await tableCounts(t.app.db);
      await stoppedAt(t.app.db, 'outbox_message', 'insert', async () => {
        const created = await admin.submit('/medewerker/beheer/medewerkers/nieuw', {
          name: 'Noor Stop',
          email: 'noor.stop@example.nl',
          role: 'coach',
          teamId: String(team.id),
          expertise: '',
        });
        expect(created.statusCode).toBe(500);
        expect(
          (await new Client(t.app).submit('/medewerker/wachtwoord-vergeten', { email: coach.email })).statusCode,
        ).toBe(500);
        expect(
          (await new Client(t.app).submit('/opnieuw', { email: 'wie@example.nl', postcode: '6811 AB' })).statusCode,
        ).toBe(500);
      });
      // The failed attempts wrote nothing, not even an audit row.
      expect(await tableCounts(t.app.db)).toEqual(before);
    });
  });

  it('the waiting-list alarm is raised once per sign-up, also when the process stops after writing it', async () => {
    const team = await makeTeam(t.app.db, { from: '6832AA', to: '6832ZZ' });
    const c = new Client(t.app);
    await c.submit('/aanmelden', { postcode: '6832AB', houseNumber: '1' });
    await c.submit('/aanmelden/vraag', { question: 'Vraag', about: 'self', dangerNow: 'no', urgent24h: 'no' });
    const alarms = async () =>
      (
        await t.app.db
          .selectFrom('audit_event')
          .select('id')
          .where('action', '=', 'no_capacity')
          .where('team_id', '=', team.id)
          .execute()
      ).length;
    // Stopped at the draft's note that the alarm was raised: the alarm is not kept either.
    const stopped = await stoppedAt(t.app.db, 'draft', 'update', () => c.get('/aanmelden/moment'));
    expect(stopped.statusCode).toBe(500);
    expect(await alarms()).toBe(0);
    // The resident tries again: one alarm, however often the page is opened.
    expect((await c.get('/aanmelden/moment')).statusCode).toBe(200);
    expect((await c.get('/aanmelden/moment')).statusCode).toBe(200);
    expect(await alarms()).toBe(1);
  });

  describe('a form posted again stores and mails nothing twice', () => {
    it('an absence', async () => {
      const w = await makeWorld(t.app);
      const fatima = await w.as(w.fatima);
      const fields = {
        fromDate: '2026-12-21',
        fromTime: '',
        untilDate: '2026-12-23',
        untilTime: '',
        kind: 'leave',
        note: '',
      };
      const first = await send(fatima, '/medewerker/afwezigheid/nieuw', fields);
      const second = await send(fatima, '/medewerker/afwezigheid/nieuw', fields);
      expect(first.statusCode).toBe(303);
      expect(second.headers.location).toBe(first.headers.location);
      const rows = await t.app.db.selectFrom('absence').select('id').where('staff_id', '=', w.fatima.id).execute();
      expect(rows).toHaveLength(1);
      expect(
        await t.app.db
          .selectFrom('audit_event')
          .select('id')
          .where('action', '=', 'absence_created')
          .where('subject_id', '=', rows[0]!.id)
          .execute(),
      ).toHaveLength(1);
    });

    it('a postcode area (also when the page that warns of an overlap is reloaded)', async () => {
      const admin = await loggedIn(t.app, (await makeLogin(t.app, null, 'admin')).email);
      const team = await makeTeam(t.app.db);
      const page = `/medewerker/beheer/teams/${team.id}`;
      for (let i = 0; i < 2; i++)
        expect((await admin.submit(page, { from: '6833', to: '' }, `${page}/gebieden`)).statusCode).toBe(303);
      expect(await t.app.db.selectFrom('team_area').select('id').where('team_id', '=', team.id).execute()).toHaveLength(
        1,
      );
      expect(
        await t.app.db
          .selectFrom('audit_event')
          .select('id')
          .where('action', '=', 'team_area_added')
          .where('subject_id', '=', team.id)
          .execute(),
      ).toHaveLength(1);
    });

    it('a move through the manage link', async () => {
      const w = await makeWorld(t.app);
      const b = await w.block([w.fatima, w.jeroen], '2026-12-11T09:00', '2026-12-11T12:00');
      const a = await w.book(b, '2026-12-11T09:00');
      const c = new Client(t.app);
      for (let i = 0; i < 2; i++) {
        const res = await c.submit(`/afspraak/${a.token}/verzetten`, {
          slot: slotKey(b, '2026-12-11T10:30'),
          mode: 'phone',
        });
        expect(res.headers.location).toBe(`/afspraak/${a.token}?klaar=verzet`);
      }
      expect(await mailsTo(a.email)).toHaveLength(1);
      expect(await mailsTo(w.jeroen.email)).toHaveLength(1);
      expect(
        await t.app.db
          .selectFrom('audit_event')
          .select('id')
          .where('action', '=', 'appointment_rescheduled')
          .where('subject_id', '=', a.id)
          .execute(),
      ).toHaveLength(1);
    });

    it('a change of a block', async () => {
      const w = await makeWorld(t.app);
      const b = await w.block([w.fatima, w.jeroen], '2026-12-15T09:00', '2026-12-15T12:00');
      const fatima = await w.as(w.fatima);
      for (let i = 0; i < 2; i++) {
        const res = await send(fatima, `/medewerker/blokken/${b}/wijzigen`, {
          date: '2026-12-15',
          start: '09:00',
          end: '13:00',
          slotMinutes: '60',
          bufferMinutes: '30',
          locationKind: 'home',
        });
        expect(res.statusCode).toBe(303);
      }
      expect((await w.blocks())[0]!.ends_at.toISOString()).toBe(at('2026-12-15T13:00').toISOString());
      expect(await mailsTo(w.jeroen.email)).toHaveLength(1);
    });

    it('repeats stored before the unique indexes came are folded into the first', async () => {
      const db = t.app.db;
      const team = await makeTeam(db);
      const coach = await makeStaff(db, team.id);
      await sql`drop index absence_once`.execute(db);
      await sql`drop index team_area_once`.execute(db);
      const absence = {
        staff_id: coach.id,
        starts_at: at('2027-01-04T00:00'),
        ends_at: at('2027-01-05T00:00'),
        kind: 'leave' as const,
      };
      const first = await db.insertInto('absence').values(absence).returning('id').executeTakeFirstOrThrow();
      await db
        .insertInto('absence')
        .values({ ...absence, kind: 'sick' })
        .execute();
      const area = { team_id: team.id, postcode_from: '6834AA', postcode_to: '6834ZZ' };
      const firstArea = await db.insertInto('team_area').values(area).returning('id').executeTakeFirstOrThrow();
      await db.insertInto('team_area').values(area).execute();
      await repeatSafePosts(db);
      expect(await db.selectFrom('absence').select(['id', 'kind']).where('staff_id', '=', coach.id).execute()).toEqual([
        { id: first.id, kind: 'leave' },
      ]);
      expect(await db.selectFrom('team_area').select('id').where('team_id', '=', team.id).execute()).toEqual([
        { id: firstArea.id },
      ]);
    });
  });
});
