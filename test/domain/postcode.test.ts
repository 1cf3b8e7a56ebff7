// Postcodes as residents type them, as they are stored, and as pages show them.
import { describe, expect, it } from 'vitest';
import { displayPostcode, normalizeHouseNumber, normalizePostcode } from '../../src/domain/postcode.js';

describe('postcodes', () => {
  it('stores every way of typing a postcode the same', () => {
    for (const typed of ['6811AB', '6811 AB', '6811ab', ' 6811-ab ', '68 11 A B'])
      expect(normalizePostcode(typed), typed).toBe('6811AB');
  });

  it('refuses what is not a Dutch postcode', () => {
    for (const typed of ['0811AB', '6811', '6811A', '6811ABC', '68119B', 'AB6811', ''])
      expect(normalizePostcode(typed), typed).toBeNull();
  });

  it('shows a stored postcode with its space, and a shortened one as it is', () => {
    expect(displayPostcode('6811AB')).toBe('6811 AB');
    // Anonymisation keeps the four digits only.
    expect(displayPostcode('6811')).toBe('6811');
  });

  it('takes house numbers with a letter or an addition', () => {
    expect(normalizeHouseNumber(' 12 ')).toBe('12');
    expect(normalizeHouseNumber('12a')).toBe('12a');
    expect(normalizeHouseNumber('12-3')).toBe('12-3');
    expect(normalizeHouseNumber('12  bis')).toBe('12 bis');
    for (const typed of ['0', '012', 'a12', '12 abcde', '']) expect(normalizeHouseNumber(typed), typed).toBeNull();
  });
});
