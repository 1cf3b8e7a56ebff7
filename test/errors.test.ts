// The error catalogue (src/errors.ts) and the one handler that answers it (src/plugins/errors.ts):
// every code is the portal's own and unique, has a page in the handler's table, and an error a
// route does not answer itself ends on that page with that status, in Dutch and in English;
// never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestApp, type TestApp } from './helpers/app.js';
import { DomainError, isKtError, KT_CODES, ktError, type KtCode, type KtError } from '../src/errors.js';
import { ERROR_PAGES } from '../src/plugins/errors.js';
import { messages, translator, type Locale } from '../src/core/i18n.js';

/** One error of every code, as a service would throw it. */
const samples: { [C in KtCode]: () => KtError<C> } = {
  KT_NOT_FOUND: () => ktError('KT_NOT_FOUND', 'test'),
  KT_FORBIDDEN: () => ktError('KT_FORBIDDEN', 'test'),
  KT_GONE: () => ktError('KT_GONE', 'test'),
  KT_CONFLICT: () => ktError('KT_CONFLICT', 'test'),
  KT_BAD_INPUT: () => ktError('KT_BAD_INPUT', { field: 'name', problem: 'character' }),
  KT_SLOT_TAKEN: () => ktError('KT_SLOT_TAKEN', { alternatives: [] }),
  KT_SLOT_UNAVAILABLE: () => ktError('KT_SLOT_UNAVAILABLE'),
  KT_UNKNOWN_TEAM: () => ktError('KT_UNKNOWN_TEAM'),
  KT_BLOCK_CONFLICT: () => ktError('KT_BLOCK_CONFLICT', { conflict: null }),
  KT_APPOINTMENTS_OUTSIDE: () => ktError('KT_APPOINTMENTS_OUTSIDE', { appointments: [] }),
  KT_TIME_GAP: () => ktError('KT_TIME_GAP'),
  KT_BLOCKS_CHANGED: () => ktError('KT_BLOCKS_CHANGED'),
  KT_REHOME_TAKEN: () => ktError('KT_REHOME_TAKEN', { appointmentId: 1 }),
  KT_ACTION_REFUSED: () => ktError('KT_ACTION_REFUSED', { field: 'mode', key: 'appointments.errors.noPhone' }),
  KT_ACTION_FORBIDDEN: () =>
    ktError('KT_ACTION_FORBIDDEN', { field: 'closeNote', key: 'appointments.errors.closeSafety' }),
  KT_ACTION_CONFLICT: () => ktError('KT_ACTION_CONFLICT', { field: 'closeNote', key: 'appointments.errors.closeDone' }),
};

/** As Eta's <%= %> writes text into the page. */
const html = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** A throwaway route that throws the sample error of the code in its URL, as a service would. */
function throwingRoute(app: FastifyInstance) {
  app.get<{ Params: { code: string } }>('/test-error/:code', { config: { access: 'public' } }, async (req) => {
    throw samples[req.params.code as KtCode]();
  });
}

describe('the error catalogue', () => {
  it('has unique codes of our own, each made by createError with its own code', () => {
    expect(new Set(KT_CODES).size).toBe(KT_CODES.length);
    for (const code of KT_CODES) {
      expect(code).toMatch(/^KT_[A-Z_]+$/);
      const err = samples[code]();
      expect(err.code).toBe(code);
      expect(err).toBeInstanceOf(Error);
      expect(isKtError(err, code)).toBe(true);
    }
  });

  it('gives every code a page in the handler, with the status of the error itself', () => {
    expect(Object.keys(ERROR_PAGES).sort()).toEqual([...KT_CODES].sort());
    for (const code of KT_CODES) {
      expect([code, ERROR_PAGES[code].status]).toEqual([code, samples[code]().statusCode]);
      expect(ERROR_PAGES[code].status).toBeGreaterThanOrEqual(400);
      expect(ERROR_PAGES[code].status).toBeLessThan(500);
      const text = ERROR_PAGES[code].text;
      if (typeof text === 'string') {
        expect(messages.nl.has(text), `${code}: ${text}`).toBe(true);
        expect(messages.en.has(text), `${code}: ${text}`).toBe(true);
      }
    }
  });

  it('narrows by code, and tells a catalogue error from a lookalike', () => {
    const err: unknown = samples.KT_SLOT_TAKEN();
    expect(isKtError(err, 'KT_SLOT_UNAVAILABLE')).toBe(false);
    if (!isKtError(err, 'KT_SLOT_TAKEN', 'KT_SLOT_UNAVAILABLE')) throw new Error('not narrowed');
    // The type follows the code: only a taken slot carries alternatives.
    expect(err.code === 'KT_SLOT_TAKEN' ? err.details.alternatives : null).toEqual([]);
    expect(isKtError({ code: 'KT_SLOT_TAKEN', details: { alternatives: [] } })).toBe(false);
    expect(isKtError(Object.assign(new Error('x'), { code: 'KT_GONE' }))).toBe(false);
    expect(isKtError(null)).toBe(false);
    expect(ktError('KT_GONE', 'link used').message).toBe('gone: link used');
  });

  it('makes catalogue errors from the older DomainError spelling', () => {
    const err = new DomainError('not_found', 'no such team');
    expect(isKtError(err, 'KT_NOT_FOUND')).toBe(true);
    expect(err.statusCode).toBe(404);
    expect(isKtError(new DomainError('gone', 'x'), 'KT_GONE')).toBe(true);
  });
});

describe('an error no route answers itself', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ beforeReady: throwingRoute });
  });
  afterAll(async () => t?.close());

  for (const locale of ['nl', 'en'] as Locale[]) {
    it(`ends on its page with its status (${locale})`, async () => {
      const tr = translator(locale);
      for (const code of KT_CODES) {
        const res = await t.app.inject({ url: `/test-error/${code}?lang=${locale}` });
        const page = ERROR_PAGES[code];
        expect([code, res.statusCode]).toEqual([code, page.status]);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.body, code).toContain(html(tr(`common.errors.${page.view}.title`)));
        expect(res.body, code).toContain(`<html lang="${locale}"`);
        const text = page.text;
        if (typeof text === 'string') expect(res.body, code).toContain(html(tr(text)));
      }
    });
  }

  it('names the field of bad input, and shows an action’s own message', async () => {
    const bad = await t.app.inject({ url: '/test-error/KT_BAD_INPUT?lang=nl' });
    expect(bad.body).toContain(html(translator('nl')('common.errors.bad-input.character', { field: 'Naam' })));
    const action = await t.app.inject({ url: '/test-error/KT_ACTION_FORBIDDEN?lang=en' });
    expect(action.statusCode).toBe(403);
    expect(action.body).toContain(html(translator('en')('appointments.errors.closeSafety')));
  });
});
