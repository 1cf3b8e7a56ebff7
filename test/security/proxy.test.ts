// Proxies are trusted only when configured (TRUST_PROXY). Without it, X-Forwarded-For is a
// header like any other: forging it does not change the address the rate limits count.
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { Client, createTestApp, csrfFrom, type TestApp } from '../helpers/app.js';

describe('TRUST_PROXY', () => {
  it('is off by default, and takes a hop count or addresses and ranges', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).trustProxy).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(
      loadConfig({ NODE_ENV: 'test', TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback' }).trustProxy,
    ).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
    for (const bad of [
      'true',
      'yes',
      '*',
      '0',
      '11',
      '999.1.1.1',
      '10.0.0.0/33',
      '10.0.0.1/8/1',
      'proxy.example.nl',
      ',',
    ]) {
      expect(() => loadConfig({ NODE_ENV: 'test', TRUST_PROXY: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ NODE_ENV: 'test', TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
    }
  });
});

describe('rate limits key on the real client address', () => {
  let t: TestApp | null = null;
  afterEach(async () => {
    await t?.close();
    t = null;
  });

  /** Posts a wrong login `n` times, each with its own X-Forwarded-For, and returns the statuses. */
  async function loginTries(app: TestApp['app'], n: number, forwardedFor: (i: number) => string) {
    const c = new Client(app);
    const token = csrfFrom((await c.get('/medewerker/inloggen')).body);
    const cookie = c.cookieString();
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/medewerker/inloggen',
        remoteAddress: '127.0.0.1',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor(i) },
        payload: new URLSearchParams({
          _csrf: token,
          email: `onbekend${i}@example.nl`,
          password: 'fout-wachtwoord',
        }).toString(),
      });
      statuses.push(res.statusCode);
    }
    return statuses;
  }

  it('without TRUST_PROXY a forged X-Forwarded-For does not reset the login limit', async () => {
    t = await createTestApp();
    const statuses = await loginTries(t.app, 22, (i) => `203.0.113.${i + 1}`);
    // 20 tries a minute per address (the login limit), whatever the header says.
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });

  it('without TRUST_PROXY a forged X-Forwarded-For does not reset the limit on public forms', async () => {
    t = await createTestApp({ config: { publicPostLimit: 3 } });
    const c = new Client(t.app);
    const token = csrfFrom((await c.get('/opnieuw')).body);
    const cookie = c.cookieString();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/opnieuw',
        headers: {
          cookie,
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': `198.51.100.${i + 1}`,
        },
        payload: new URLSearchParams({ _csrf: token, email: '', postcode: '' }).toString(),
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
  });

  it('with TRUST_PROXY naming the proxy, each client behind it has its own limit', async () => {
    t = await createTestApp({ config: { trustProxy: ['127.0.0.1'] } });
    // 22 different clients behind the proxy: none is limited.
    expect((await loginTries(t.app, 22, (i) => `203.0.113.${i + 1}`)).every((s) => s === 401)).toBe(true);
    // One client behind the proxy: limited after 20, also when it adds its own forged hop.
    const one = await loginTries(t.app, 22, (i) => (i % 2 ? `10.9.9.${i}, 192.0.2.7` : '192.0.2.7'));
    expect(one.slice(20)).toEqual([429, 429]);
  });

  it('with a proxy address that is not the peer, X-Forwarded-For is still not believed', async () => {
    t = await createTestApp({ config: { trustProxy: ['10.0.0.1'] } });
    const statuses = await loginTries(t.app, 21, (i) => `203.0.113.${i + 1}`);
    expect(statuses[20]).toBe(429);
  });

  it('with a hop count, the address one hop out is the client', async () => {
    t = await createTestApp({ config: { trustProxy: 1 } });
    expect((await loginTries(t.app, 21, (i) => `203.0.113.${i + 1}`)).every((s) => s === 401)).toBe(true);
    // What the client itself put further out does not count.
    const one = await loginTries(t.app, 21, (i) => `10.1.1.${i + 1}, 192.0.2.9`);
    expect(one[20]).toBe(429);
  });
});
