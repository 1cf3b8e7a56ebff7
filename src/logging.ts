// pino options: request logs without personal data. Tokens in paths (manage links, reset
// links) are masked, query strings dropped, and bodies and cookies never logged.
import type { FastifyServerOptions } from 'fastify';

const TOKEN_SEGMENT = /\/[A-Za-z0-9_-]{20,}(?=\/|$)/g;

export function maskUrl(url: string): string {
  const [p] = url.split('?');
  return (p ?? '').replace(TOKEN_SEGMENT, '/[token]');
}

export function loggerOptions(level: string): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return {
    level,
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'res.headers["set-cookie"]',
        '*.email',
        '*.phone',
        '*.name',
        '*.question',
        '*.password',
        '*.to',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req(req: { method: string; url: string; id: string }) {
        return { method: req.method, url: maskUrl(req.url), id: req.id };
      },
    },
  };
}
