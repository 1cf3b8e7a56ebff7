// A small browser for the bench: keeps the session cookie, reads CSRF tokens and slot choices
// from the pages, and walks the resident's sign-up steps over real HTTP (node:http, keep-alive).
import http from 'node:http';

export interface Res {
  status: number;
  location: string | null;
  body: string;
  ms: number;
}

export function request(
  agent: http.Agent,
  url: string,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body?: string,
): Promise<Res & { setCookie: string[] }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            location: typeof res.headers.location === 'string' ? res.headers.location : null,
            setCookie: res.headers['set-cookie'] ?? [],
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${url}: no answer in 60 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1]!;
}

/** The slot keys offered on the moment page, in the order shown (earliest first). */
export function slotsFrom(html: string): string[] {
  return [...html.matchAll(/name="slot" id="[^"]*" value="([^"]+)"/g)].map((m) => m[1]!);
}

export class Browser {
  cookie: string | null = null;
  constructor(
    private readonly base: string,
    private readonly agent: http.Agent,
  ) {}

  private async send(method: 'GET' | 'POST', path: string, body?: string): Promise<Res> {
    const headers: Record<string, string> = { 'accept-language': 'nl' };
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await request(this.agent, this.base + path, method, headers, body);
    for (const c of res.setCookie) {
      const pair = c.split(';')[0]!;
      if (pair.startsWith('kt_session=')) this.cookie = pair;
    }
    return res;
  }

  get(path: string): Promise<Res> {
    return this.send('GET', path);
  }

  /** Builds the urlencoded body exactly as a browser posts the form. */
  static form(fields: Record<string, string>): string {
    return new URLSearchParams(fields).toString();
  }

  post(path: string, fields: Record<string, string>): Promise<Res> {
    return this.send('POST', path, Browser.form(fields));
  }
}

function expectRedirect(res: Res, to: string, step: string): void {
  if (res.status !== 303 || res.location !== to) {
    throw new Error(
      `${step}: expected 303 to ${to}, got ${res.status} ${res.location ?? ''} ${res.body.slice(0, 200)}`,
    );
  }
}

function expectOk(res: Res, step: string): void {
  if (res.status !== 200) throw new Error(`${step}: expected 200, got ${res.status} ${res.body.slice(0, 200)}`);
}

/** Steps 1 and 2 (where, question), then the moment page: returns the slots it offers. */
export async function walkToMoment(
  b: Browser,
  postcode: string,
  houseNumber: string,
): Promise<{ csrf: string; slots: string[]; html: string }> {
  const start = await b.get('/aanmelden');
  expectOk(start, 'GET /aanmelden');
  const csrf = csrfFrom(start.body);
  expectRedirect(
    await b.post('/aanmelden', { _csrf: csrf, postcode, houseNumber }),
    '/aanmelden/vraag',
    'POST /aanmelden',
  );
  expectRedirect(
    await b.post('/aanmelden/vraag', {
      _csrf: csrf,
      question: 'Ik heb veel rekeningen en ik weet niet meer hoe ik ze moet betalen.',
      topics: 'money',
      about: 'self',
      dangerNow: 'no',
      urgent24h: 'no',
    }),
    '/aanmelden/moment',
    'POST /aanmelden/vraag',
  );
  const moment = await b.get('/aanmelden/moment');
  expectOk(moment, 'GET /aanmelden/moment');
  return { csrf: csrfFrom(moment.body), slots: slotsFrom(moment.body), html: moment.body };
}

/** Steps 3 and 4 (moment, details), then the check page: returns its CSRF token. */
export async function walkToCheck(b: Browser, csrf: string, slot: string, n: number): Promise<string> {
  expectRedirect(
    await b.post('/aanmelden/moment', { _csrf: csrf, slot, mode: 'home' }),
    '/aanmelden/gegevens',
    'POST /aanmelden/moment',
  );
  expectRedirect(
    await b.post('/aanmelden/gegevens', {
      _csrf: csrf,
      name: `Bewoner ${n}`,
      email: `bench${n}@example.nl`,
      phone: `06 ${String(20000000 + n).slice(0, 8)}`,
      street: 'Voorbeeldstraat 1',
      city: 'Arnhem',
      language: 'nl',
      interpreter: '',
      dateOfBirth: '',
      companion: '',
      consent: 'yes',
    }),
    '/aanmelden/controleren',
    'POST /aanmelden/gegevens',
  );
  const check = await b.get('/aanmelden/controleren');
  expectOk(check, 'GET /aanmelden/controleren');
  return csrfFrom(check.body);
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
