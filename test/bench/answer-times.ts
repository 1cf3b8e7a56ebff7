// `npm run bench:answers`: how long the login and the password-reset form take to answer for a
// staff address and for an unknown one. They should take about as long, so the answer time
// gives no account away. Runs the real app in this process on the embedded database (or on
// TEST_DATABASE_URL), alternating known and unknown, and prints median and 90th percentile.
import { performance } from 'node:perf_hooks';
import { Client, createTestApp, csrfFrom } from '../helpers/app.js';
import { makeTeam } from '../helpers/fixtures.js';
import { makeLogin } from '../helpers/staff.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 100);

const t = await createTestApp();
const teamId = (await makeTeam(t.app.db)).id;
// A fresh account per reset, so every known reset takes the whole path (the per-account limit
// would otherwise stop after three).
const accounts = await Promise.all(Array.from({ length: ROUNDS }, () => makeLogin(t.app, teamId, 'coach')));

const c = new Client(t.app);
const token = csrfFrom((await c.get('/medewerker/inloggen')).body);
const cookie = c.cookieString();

async function timed(url: string, fields: Record<string, string>, address: number): Promise<number> {
  const start = performance.now();
  const res = await t.app.inject({
    method: 'POST',
    url,
    remoteAddress: `10.0.${Math.floor(address / 250)}.${(address % 250) + 1}`,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
  });
  const ms = performance.now() - start;
  if (res.statusCode >= 500) throw new Error(`${url}: ${res.statusCode}`);
  return ms;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, p90: s[Math.floor(s.length * 0.9)]! };
};

const times = {
  loginKnown: [] as number[],
  loginUnknown: [] as number[],
  resetKnown: [] as number[],
  resetUnknown: [] as number[],
};
for (let i = 0; i < ROUNDS; i++) {
  const known = accounts[i]!.email;
  const unknown = `niemand-${i}@example.nl`;
  // One wrong password each (a fresh address per round: no lock, no slow-down). Which goes
  // first alternates, so whatever the order costs falls on both.
  const pairs: Array<[keyof typeof times, string, Record<string, string>]> = [
    ['loginKnown', '/medewerker/inloggen', { email: known, password: 'fout wachtwoord' }],
    ['loginUnknown', '/medewerker/inloggen', { email: unknown, password: 'fout wachtwoord' }],
    ['resetKnown', '/medewerker/wachtwoord-vergeten', { email: known }],
    ['resetUnknown', '/medewerker/wachtwoord-vergeten', { email: unknown }],
  ];
  const order = i % 2 ? [1, 0, 3, 2] : [0, 1, 2, 3];
  for (const k of order) {
    const [name, url, fields] = pairs[k]!;
    times[name].push(await timed(url, fields, 2 * i + (k % 2)));
  }
}
await t.close();

console.log(
  `answer times over ${ROUNDS} rounds (${process.env.TEST_DATABASE_URL ? 'PostgreSQL server' : 'embedded'}), ms`,
);
console.log('form                   address   median     p90');
for (const [name, xs] of Object.entries(times)) {
  const { median, p90 } = stats(xs);
  const [form, kind] = name.startsWith('login') ? ['login', name.slice(5)] : ['password reset', name.slice(5)];
  console.log(
    `${form.padEnd(22)} ${kind.toLowerCase().padEnd(9)} ${median.toFixed(1).padStart(6)} ${p90.toFixed(1).padStart(7)}`,
  );
}
