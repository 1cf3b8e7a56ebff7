// Phone numbers and dates as people type them (src/domain/phone.ts, src/domain/typed-date.ts).
import { describe, expect, it } from 'vitest';
import { phoneDigits } from '../../src/domain/phone.js';
import { isBirthDate, parseTypedDate } from '../../src/domain/typed-date.js';

describe('phone numbers', () => {
  it.each([
    ['(026) 377 2001', '+31263772001'],
    ['026-3772001', '+31263772001'],
    ['0263772001', '+31263772001'],
    ['06 12345678', '+31612345678'],
    ['06-12 34 56 78', '+31612345678'],
    ['06.12.34.56.78', '+31612345678'],
    ['+31 6 12345678', '+31612345678'],
    ['+31 (0)6 1234 5678', '+31612345678'],
    ['0031 26 377 2001', '+31263772001'],
    ['0031 (0)26 377 2001', '+31263772001'],
    ['0800 1234', '+318001234'],
    ['+32 2 123 45 67', '+3221234567'],
    ['0049 30 1234567', '+49301234567'],
    ['+1 (555) 123-4567', '+15551234567'],
  ])('accepts %s', (typed, digits) => {
    expect(phoneDigits(typed)).toBe(digits);
  });

  it.each([
    '',
    '12345',
    '026 377 200',
    '0263772001 1',
    '612345678',
    '06-abc-12345',
    '++31612345678',
    '+31 6 1234',
    'nul zes',
    '+0 123 456 789',
    '06 1234 5678 9012 3456 789',
  ])('refuses "%s"', (typed) => {
    expect(phoneDigits(typed)).toBeNull();
  });
});

describe('dates as typed', () => {
  it.each([
    '31-12-1980',
    '31/12/1980',
    '31.12.1980',
    '31 12 1980',
    ' 31-12-1980 ',
    '31 - 12 - 1980',
    '31121980',
    '1980-12-31',
    '31 december 1980',
    '31 December 1980',
    '31 dec 1980',
    '31 dec. 1980',
    'December 31, 1980',
    'dec 31 1980',
  ])('reads "%s" as 31 December 1980', (typed) => {
    expect(parseTypedDate(typed)).toBe('1980-12-31');
  });

  it('reads Dutch and English month names and short days', () => {
    expect(parseTypedDate('1 mei 1975')).toBe('1975-05-01');
    expect(parseTypedDate('1 May 1975')).toBe('1975-05-01');
    expect(parseTypedDate('3 mrt 2001')).toBe('2001-03-03');
    expect(parseTypedDate('3-1-2001')).toBe('2001-01-03');
  });

  it.each(['31-02-1980', '1980', '31-12-80', 'gisteren', '31 smarch 1980', '1980-31-12', '32-01-1980'])(
    'refuses "%s"',
    (typed) => {
      expect(parseTypedDate(typed)).toBeNull();
    },
  );

  it('a date of birth lies in the past, at most 120 years ago', () => {
    const now = new Date('2026-11-24T09:00:00Z');
    expect(isBirthDate('24-11-2026', now)).toBe(true);
    expect(isBirthDate('25-11-2026', now)).toBe(false);
    expect(isBirthDate('25-11-1906', now)).toBe(true);
    expect(isBirthDate('23-11-1906', now)).toBe(false);
  });
});
