// Charts drawn on the server (src/core/charts.ts): well-formed SVG that is an image named by its
// title and description, marks hidden from assistive technology, patterns and dashes so series do
// not differ by colour alone, a label for every value, the same bytes for the same input, and
// ids that never clash between two charts on one page.
import { describe, expect, it } from 'vitest';
// A strict XML parser that is already installed (with exceljs): it refuses any SVG that is not well-formed.
import { SaxesParser } from 'saxes';
import { barChart, lineChart, type BarChartOptions } from '../../src/core/charts.js';
import { forgetDrawnCharts } from '../../src/core/charts-render.js';
import { Eta } from 'eta';
import { viewsDir } from '../../src/paths.js';
import { translator } from '../../src/core/i18n.js';
import { chromium } from 'playwright-core';
import { CHROMIUM, axeViolations, browserAvailable, describeViolations } from '../e2e/browser.js';

/** WCAG's contrast ratio of two '#rrggbb' colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

interface El {
  name: string;
  attrs: Record<string, string>;
  text: string;
  ancestors: El[];
}

/** Parses the SVG strictly; every element with its attributes, text and ancestors. */
function parseSvg(svg: string): El[] {
  const parser = new SaxesParser();
  const all: El[] = [];
  const stack: El[] = [];
  parser.on('error', (err) => {
    throw err;
  });
  parser.on('opentag', (tag) => {
    // Lines of a text (tspans) are read with a space between them.
    if (tag.name === 'tspan') for (const el of stack) if (el.text) el.text += ' ';
    const el: El = { name: tag.name, attrs: tag.attributes as Record<string, string>, text: '', ancestors: [...stack] };
    all.push(el);
    stack.push(el);
  });
  parser.on('text', (text) => {
    for (const el of stack) el.text += text;
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(svg).close();
  expect(stack).toEqual([]);
  return all;
}

const boldTexts = (els: El[]) =>
  els.filter((e) => e.name === 'text' && e.attrs['font-weight'] === 'bold').map((e) => e.text);

const DAYS: BarChartOptions['categories'] = [
  { key: '2026-11-23', label: 'ma\n23 nov' },
  { key: '2026-11-24', label: 'di\n24 nov' },
  { key: '2026-11-25', label: 'wo\n25 nov' },
  { key: '2026-11-26', label: 'do\n26 nov' },
];

const stacked = (id: string): BarChartOptions => ({
  id,
  title: 'Vrije & geboekte <plekken>',
  description: 'Per dag het aantal plekken.',
  categories: DAYS,
  series: [
    { key: 'booked', label: 'Geboekt', values: [3, 0, 2, 1] },
    { key: 'free', label: 'Vrij', values: [4, 6, 0, null], pattern: 'hatch' },
  ],
  valueLabels: [[], [null, null, null, '< 5']],
  stacked: true,
  yTitle: 'Plekken',
  boundaries: [{ after: 2, label: 'Belofte: 10 dagen' }],
  bands: [{ from: 0, to: 0, label: 'niet te boeken' }],
});

const grouped: BarChartOptions = {
  id: 'grouped-chart',
  title: 'Aanmeldingen per wijk',
  description: 'Per week, per wijk.',
  categories: DAYS.slice(0, 3),
  series: [
    { key: 'noord', label: 'Noord', values: [12, null, 7] },
    { key: 'zuid', label: 'Zuid', values: [9, 15, 0], pattern: 'hatch' },
    { key: 'oost', label: 'Oost', values: [null, 6, 11], pattern: 'dots' },
  ],
  valueLabels: [[null, '< 5', null]],
  thresholds: [{ value: 10, label: 'Doel: 10' }],
};

describe('bar chart', () => {
  it('is a well-formed, named image whose marks are hidden', async () => {
    const svg = await barChart(stacked('cap-chart'));
    const els = parseSvg(svg);
    const root = els[0]!;
    expect(root.name).toBe('svg');
    expect(root.attrs).toMatchObject({
      xmlns: 'http://www.w3.org/2000/svg',
      role: 'img',
      'aria-labelledby': 'cap-chart-title cap-chart-desc',
    });
    // Drawn at its own size (the stylesheet lets it shrink, never grow).
    expect(root.attrs.viewBox).toMatch(/^0 0 \d+ \d+$/);
    expect(`0 0 ${root.attrs.width} ${root.attrs.height}`).toBe(root.attrs.viewBox);
    const title = els.find((e) => e.attrs.id === 'cap-chart-title')!;
    expect([title.name, title.text]).toEqual(['title', 'Vrije & geboekte <plekken>']);
    expect(els.find((e) => e.attrs.id === 'cap-chart-desc')).toMatchObject({
      name: 'desc',
      text: 'Per dag het aantal plekken.',
    });
    // Every drawn element sits in the one hidden group; no roles or labels inside it.
    const children = els.filter((e) => e.ancestors.length === 1);
    expect(children.map((e) => e.name)).toEqual(['title', 'desc', 'defs', 'g']);
    expect(children[3]!.attrs['aria-hidden']).toBe('true');
    expect(els.filter((e) => e.attrs.role || e.attrs['aria-label']).map((e) => e.name)).toEqual(['svg']);
    // Text in dark grey or white, in a font every system has.
    const fonts = new Set(els.filter((e) => e.name === 'text').map((e) => e.attrs['font-family']));
    expect([...fonts]).toEqual(['system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif']);
  });

  it('tells series apart by pattern, prints every value and names lines in the legend', async () => {
    const els = parseSvg(await barChart(stacked('cap-chart')));
    const pattern = els.find((e) => e.name === 'pattern')!;
    expect(pattern.attrs.id).toBe('cap-chart-pattern-1');
    const fills = els.filter((e) => e.name === 'path').map((e) => e.attrs.fill);
    expect(fills).toContain('url(#cap-chart-pattern-1)');
    expect(fills).toContain('#154273');
    // Booked inside its (solid) part when above 0, free (or '< 5') above the stack.
    expect(boldTexts(els).sort()).toEqual(['0', '1', '2', '3', '4', '6', '< 5'].sort());
    const texts = els.filter((e) => e.name === 'text').map((e) => e.text);
    expect(texts).toEqual(
      expect.arrayContaining(['Geboekt', 'Vrij', 'Belofte: 10 dagen', 'niet te boeken', 'Plekken']),
    );
    expect(texts).toContain('wo 25 nov');
    // The promise: a dashed red line in the chart, and the same dash in the legend.
    const dashed = els.filter((e) => e.attrs['stroke-dasharray']);
    expect(dashed.map((e) => [e.name, e.attrs.stroke, e.attrs['stroke-dasharray']])).toEqual([
      ['line', '#b00020', '6,4'],
      ['path', '#b00020', '6,4'],
    ]);
  });

  it('places side-by-side bars with patterns, labels and a threshold line', async () => {
    const els = parseSvg(await barChart(grouped));
    expect(els.filter((e) => e.name === 'pattern').map((e) => e.attrs.id)).toEqual([
      'grouped-chart-pattern-1',
      'grouped-chart-pattern-2',
    ]);
    expect(
      els.some((e) => e.name === 'circle' && e.ancestors.some((a) => a.attrs.id === 'grouped-chart-pattern-2')),
    ).toBe(true);
    expect(boldTexts(els).sort()).toEqual(['12', '< 5', '7', '9', '15', '0', '6', '11'].sort());
    expect(els.filter((e) => e.name === 'text').map((e) => e.text)).toContain('Doel: 10');
  });

  it('draws the same bytes for the same input, and distinct ids per chart', async () => {
    const a = await barChart(stacked('a-chart'));
    await barChart(grouped);
    forgetDrawnCharts(); // drawn again, not taken from the kept charts
    expect(await barChart(stacked('a-chart'))).toBe(a);
    const b = await barChart(stacked('b-chart'));
    const ids = (svg: string) => parseSvg(svg).flatMap((e) => (e.attrs.id ? [e.attrs.id] : []));
    expect(ids(a).every((id) => id.startsWith('a-chart-'))).toBe(true);
    expect(ids(b).every((id) => id.startsWith('b-chart-'))).toBe(true);
    expect(ids(a).filter((id) => ids(b).includes(id))).toEqual([]);
    expect(b).toContain('url(#b-chart-pattern-1)');
    expect(b).not.toContain('a-chart');
  });

  it('refuses an id that could break the markup, and a series of the wrong length', async () => {
    await expect(barChart({ ...grouped, id: 'x" onload="y' })).rejects.toThrow(/chart id/);
    await expect(barChart({ ...grouped, series: [{ key: 'k', label: 'K', values: [1] }] })).rejects.toThrow(
      /one value/,
    );
  });
});

describe('line chart', () => {
  const weeks = ['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30'].map((d, i) => ({
    x: new Date(`${d}T12:00:00Z`),
    label: `week ${45 + i}`,
    value: [3, 8, null, 12, 6][i]!,
  }));

  it('draws the points with their values and the promise as a dashed red line', async () => {
    const svg = await lineChart({
      id: 'first-free',
      title: 'Eerste vrije moment',
      description: 'Dagen tot het eerste vrije moment, per week.',
      points: weeks,
      yTitle: 'Dagen',
      threshold: { value: 10, label: 'Belofte: 10 dagen' },
    });
    const els = parseSvg(svg);
    expect(els[0]!.attrs['aria-labelledby']).toBe('first-free-title first-free-desc');
    expect(boldTexts(els)).toEqual(['3', '8', '12', '6']);
    const texts = els.filter((e) => e.name === 'text').map((e) => e.text);
    expect(texts).toEqual(expect.arrayContaining(['week 45', 'week 48', 'Belofte: 10 dagen', 'Dagen']));
    expect(els.some((e) => e.attrs.stroke === '#b00020' && e.attrs['stroke-dasharray'] === '6,4')).toBe(true);
    // The line stops where week 47 has no value, and starts again after it.
    const line = els.find((e) => e.name === 'path' && e.attrs.stroke === '#154273' && !e.attrs.transform)!;
    expect(line.attrs.d!.match(/M/g)).toHaveLength(2);
  });
});

describe('colours', () => {
  it('gives text 4.5:1 and lines and bars 3:1 against their background', async () => {
    for (const svg of [await barChart(stacked('c-chart')), await barChart(grouped)]) {
      const els = parseSvg(svg);
      for (const e of els) {
        const inPattern = e.ancestors.some((a) => a.name === 'pattern');
        for (const colour of [e.attrs.fill, e.attrs.stroke]) {
          if (!colour || !colour.startsWith('#') || ['#ffffff', '#ececec'].includes(colour)) continue;
          const min = e.name === 'text' ? 4.5 : 3;
          expect(contrast(colour, '#ffffff'), `${e.name} ${colour}`).toBeGreaterThanOrEqual(inPattern ? 3 : min);
        }
        // White text only inside a solid dark bar; the grey band only behind dark text.
        if (e.name === 'text' && e.attrs.fill === '#ffffff')
          expect(contrast('#ffffff', '#154273')).toBeGreaterThan(4.5);
      }
      expect(contrast('#1a1a1a', '#ececec')).toBeGreaterThan(4.5);
    }
  });
});

describe('the chart partial', () => {
  it('shows the image, a summary and the numbers as a table with headers', async () => {
    const eta = new Eta({ views: viewsDir, autoEscape: true, autoTrim: false });
    const svg = await barChart(grouped);
    const html = eta.render('/partials/chart', {
      t: translator('nl'),
      chart: {
        svg,
        summary: 'Zuid had de meeste aanmeldingen.',
        table: {
          caption: 'Aanmeldingen per wijk',
          head: ['Week', 'Noord', 'Zuid'],
          rows: [
            ['week 1', '12', '9'],
            ['week 2', '< 5', '15'],
          ],
        },
      },
    });
    expect(html).toContain(svg);
    expect(html).toContain('<p class="utrecht-paragraph kt-chart-summary">Zuid had de meeste aanmeldingen.</p>');
    expect(html).toMatch(/<details class="kt-chart-table">\s*<summary>Bekijk de cijfers in een tabel<\/summary>/);
    expect(html).toContain('<caption>Aanmeldingen per wijk</caption>');
    expect(html).toContain('<th scope="col">Zuid</th>');
    expect(html).toContain('<tr><th scope="row">week 2</th><td>&lt; 5</td><td>15</td></tr>');
  });
});

describe.skipIf(!browserAvailable)('in Chromium', () => {
  it('has no axe violations, and its table opens from the keyboard', async () => {
    const eta = new Eta({ views: viewsDir, autoEscape: true, autoTrim: false });
    const t = translator('nl');
    const figure = (svg: string, caption: string) =>
      eta.render('/partials/chart', {
        t,
        chart: {
          svg,
          summary: `Samenvatting: ${caption}.`,
          table: { caption, head: ['Week', 'Aantal'], rows: [['week 1', '12']] },
        },
      });
    const line = await lineChart({
      id: 'line-chart',
      title: 'Eerste vrije moment',
      description: 'Dagen tot het eerste vrije moment.',
      points: [
        { x: 'a', label: 'week 1', value: 3 },
        { x: 'b', label: 'week 2', value: 12 },
      ],
      yTitle: 'Dagen',
      threshold: { value: 10, label: 'Belofte' },
    });
    const html =
      '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Grafieken</title></head><body><main>' +
      `<h1>Grafieken</h1>${figure(await barChart(stacked('bar-chart')), 'Plekken')}` +
      `${figure(await barChart(grouped), 'Aanmeldingen')}${figure(line, 'Eerste vrije moment')}</main></body></html>`;
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.setContent(html);
      expect(await page.getByRole('img').count()).toBe(3);
      await expect(page.getByRole('img', { name: 'Eerste vrije moment' }).count()).resolves.toBe(1);
      const violations = await axeViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      const table = page.getByRole('table', { name: 'Plekken' });
      await expect(table.isVisible()).resolves.toBe(false);
      await page.keyboard.press('Tab');
      await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe(t('charts.showTable'));
      await page.keyboard.press('Enter');
      await expect(table.isVisible()).resolves.toBe(true);
    } finally {
      await browser.close();
    }
  });
});

describe('rendering time', () => {
  it('draws a page of four charts quickly (printed, not asserted)', async () => {
    forgetDrawnCharts();
    const start = performance.now();
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      await barChart({ ...stacked(`speed-${i}`), categories: DAYS });
      times.push(Math.round(performance.now() - t0));
    }
    const total = Math.round(performance.now() - start);
    const again = performance.now();
    for (let i = 0; i < 4; i++) await barChart({ ...stacked(`speed-${i}`), categories: DAYS });
    const cached = Math.round(performance.now() - again);
    console.log(`charts: ${times.join(' ms, ')} ms; four together ${total} ms; the same four again ${cached} ms`);
    expect(times).toHaveLength(4);
  });
});
