// Pages that show a resident's data or a secret link are never kept by a browser or a proxy:
// every page is sent with Cache-Control: no-store unless it says otherwise (only static files
// do). Checked along a real sign-up, on the manage link it gives, and on every page route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { LightMyRequestResponse } from 'fastify';
import { Client, createTestApp, type TestApp } from '../helpers/app.js';
import { makeBlock, makeStaff, makeTeam } from '../helpers/fixtures.js';
import { loggedIn, makeLogin } from '../helpers/staff.js';

const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Amsterdam' }).toJSDate();
const NOW = at('2026-11-24T10:00');

/** A client that remembers the Cache-Control header of every page it was sent. */
class Watching extends Client {
  seen: Array<{ url: string; status: number; cacheControl: string | undefined }> = [];
  override async get(url: string): Promise<LightMyRequestResponse> {
    const res = await super.get(url);
    this.seen.push({ url, status: res.statusCode, cacheControl: res.headers['cache-control'] as string | undefined });
    return res;
  }
  override async post(url: string, fields: Record<string, string | string[]>): Promise<LightMyRequestResponse> {
    const res = await super.post(url, fields);
    this.seen.push({
      url: `POST ${url}`,
      status: res.statusCode,
      cacheControl: res.headers['cache-control'] as string | undefined,
    });
    return res;
  }
}

describe('no personal page is cached', () => {
  let t: TestApp;
  let blockId: number;
  let teamId: number;
  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    const team = await makeTeam(t.app.db, { name: 'Wijkteam Centrum', from: '6811AA', to: '6814ZZ' });
    teamId = team.id;
    const a = await makeStaff(t.app.db, team.id, { name: 'Fatima El Amrani' });
    const b = await makeStaff(t.app.db, team.id, { name: 'Jeroen Bakker' });
    blockId = await makeBlock(t.app.db, {
      teamId: team.id,
      start: at('2026-12-08T09:00'),
      end: at('2026-12-08T12:00'),
      coachIds: [a.id, b.id],
    });
  });
  afterAll(async () => t.close());

  it('along a whole sign-up, its confirmation and its manage link', async () => {
    const c = new Watching(t.app);
    await c.get('/');
    await c.submit('/aanmelden', { postcode: '6811ab', houseNumber: '12a' });
    await c.submit('/aanmelden/vraag', { question: 'Schulden', about: 'self', dangerNow: 'no', urgent24h: 'no' });
    await c.submit('/aanmelden/moment', { slot: `${blockId}_${at('2026-12-08T10:30').toISOString()}`, mode: 'home' });
    await c.submit('/aanmelden/gegevens', {
      name: 'Anna de Vries',
      email: 'anna@example.nl',
      phone: '',
      street: 'Steenstraat',
      city: 'Arnhem',
      language: 'nl',
      dateOfBirth: '',
      companion: '',
      consent: 'yes',
    });
    const check = await c.get('/aanmelden/controleren');
    expect(check.body).toContain('Anna de Vries');
    await c.submit('/aanmelden/controleren', {});
    const done = await c.get('/aanmelden/bevestiging');
    const manage = /href="(\/afspraak\/[A-Za-z0-9_-]{43})"/.exec(done.body)![1]!;
    for (const url of [manage, `${manage}/verzetten`, `${manage}/annuleren`, '/opnieuw', '/verwijzen'])
      await c.get(url);
    expect(c.seen.length).toBeGreaterThan(15);
    expect(c.seen.filter((s) => s.status >= 400)).toEqual([]);
    expect(c.seen.filter((s) => s.cacheControl !== 'no-store')).toEqual([]);
  });

  it('on every page route, logged out and logged in', async () => {
    const coach = await loggedIn(t.app, (await makeLogin(t.app, teamId, 'coach')).email);
    const pages = t.app.routeRules.filter((r) => r.method === 'GET' && !r.url.startsWith('/static/'));
    expect(pages.length).toBeGreaterThan(40);
    const wrong: string[] = [];
    for (const client of [new Client(t.app), coach]) {
      for (const r of pages) {
        const url = r.url.replace(/:(\w+)/g, (_m, name: string) => (name.endsWith('Id') ? '1' : 'x'.repeat(43)));
        const res = await client.get(url);
        if (res.headers['cache-control'] !== 'no-store' && !url.endsWith('.ics'))
          wrong.push(`${url}: ${res.statusCode} ${res.headers['cache-control']}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('but lets static files be cached as they say', async () => {
    const css = /href="(\/static\/nlds\.\w+\.css)"/.exec((await t.app.inject('/')).body)![1]!;
    const res = await t.app.inject({ method: 'GET', url: css });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toMatch(/^public/);
  });
});
