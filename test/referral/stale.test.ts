// A referral step posted with a form token that is no longer valid (the page stood open too
// long, the cookies were cleared): nothing is saved, and the step is shown again as typed with
// a plain note, so the referrer does not type it all again. From another site: the plain page.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, type TestApp } from '../helpers/app.js';
import { aboutHuisarts, clean, consentYes, makeWorld, NOW } from './world.js';

describe('a stale referral form', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW });
    await makeWorld(t.app);
  });
  afterAll(async () => t.close());
  beforeEach(async () => clean(t.app));

  async function post(c: Client, url: string, fields: Record<string, string>, origin: string) {
    const res = await t.app.inject({
      method: 'POST',
      url,
      headers: {
        ...(c.cookies.size ? { cookie: c.cookieString() } : {}),
        'content-type': 'application/x-www-form-urlencoded',
        origin,
      },
      payload: new URLSearchParams({ _csrf: 'no-longer-valid', ...fields }).toString(),
    });
    for (const k of res.cookies) c.cookies.set(k.name, k.value);
    return res;
  }

  const drafts = async () =>
    (await t.app.db.selectFrom('draft').select('data').execute()).map((r) => r.data as Record<string, unknown>);

  it('shows the step again as typed, says what happened, and saves nothing', async () => {
    const c = new Client(t.app);
    await c.submit('/verwijzen', aboutHuisarts);
    const before = await drafts();
    const ours = new URL(t.app.config.publicUrl).origin;
    const res = await post(c, '/verwijzen/toestemming', { ...consentYes, consentDate: '21-11-2026' }, ours);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Uw sessie is verlopen');
    expect(res.body).toContain('value="21-11-2026"');
    expect(res.body).toMatch(/name="consentForm" value="spoken" checked/);
    // A new token to post it with.
    expect(res.body).toMatch(/name="_csrf" value="[^"]+"/);
    expect(await drafts()).toEqual(before);
    // Posted again from the page: saved.
    const again = await c.submit('/verwijzen/toestemming', { ...consentYes, consentDate: '21-11-2026' });
    expect(again.statusCode).toBe(303);
  });

  it('from another site: the plain page, without what was posted', async () => {
    const c = new Client(t.app);
    await c.submit('/verwijzen', aboutHuisarts);
    const res = await post(
      c,
      '/verwijzen/toestemming',
      { ...consentYes, consentDate: '22-11-2026' },
      'https://evil.example',
    );
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain('22-11-2026');
  });
});
