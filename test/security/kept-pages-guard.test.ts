// Pages kept in memory (reply.viewKept) are shared by every visitor with the same key. A template
// that reads anything outside that key would show one visitor's data to the next. Outside
// production every kept page is checked against a fresh render for the visitor asking, so such a
// template fails the first test that opens it twice; these tests show the leak and the check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestApp, type TestApp } from '../helpers/app.js';

const OWNER = Object.freeze({});

/** A page kept under one fixed key, that (wrongly) shows what the visitor sent in a header. */
function leakyRoute(app: FastifyInstance) {
  app.get('/test-kept-leak', { config: { access: 'public' } }, async (req, reply) => {
    const who = String(req.headers['x-visitor'] ?? '');
    return reply.viewKept(OWNER, 'one-key-for-all', 'errors/bad-request', {
      status: 400,
      badInput: { text: `Gegevens van ${who}`, back: null },
    });
  });
}

describe('pages kept in memory', () => {
  let checked: TestApp;
  let unchecked: TestApp;
  beforeAll(async () => {
    checked = await createTestApp({ beforeReady: leakyRoute });
    unchecked = await createTestApp({ config: { env: 'production' }, beforeReady: leakyRoute });
  });
  afterAll(async () => {
    await checked?.close();
    await unchecked?.close();
  });

  const visit = (t: TestApp, visitor: string) =>
    t.app.inject({ url: '/test-kept-leak', headers: { 'x-visitor': visitor } });

  it('would show the first visitor’s data to the next one without the check (as in production)', async () => {
    expect((await visit(unchecked, 'Anna')).body).toContain('Gegevens van Anna');
    const second = await visit(unchecked, 'Bram');
    expect(second.body).toContain('Gegevens van Anna');
    expect(second.body).not.toContain('Bram');
  });

  it('refuses to serve a kept page that differs from the visitor’s own render, outside production', async () => {
    expect((await visit(checked, 'Anna')).body).toContain('Gegevens van Anna');
    const second = await visit(checked, 'Bram');
    expect(second.statusCode).toBe(500);
    expect(second.body).not.toContain('Anna');
    // The same visitor again matches the kept page: served as usual.
    expect((await visit(checked, 'Anna')).statusCode).toBe(200);
  });
});
