// The invented municipality the demo is made of: an Arnhem-like set of wijkteams with their
// postcode ranges and neighbours, and the names, fields of expertise and questions drawn from.

export interface TeamSeed {
  slug: string;
  name: string;
  from: number;
  to: number;
  coaches: number;
  phone: string;
}

export const teams: TeamSeed[] = [
  { slug: 'centrum', name: 'Wijkteam Centrum', from: 6811, to: 6814, coaches: 20, phone: '026 377 2001' },
  { slug: 'noord', name: 'Wijkteam Noord', from: 6815, to: 6818, coaches: 18, phone: '026 377 2002' },
  { slug: 'oost', name: 'Wijkteam Oost', from: 6821, to: 6823, coaches: 16, phone: '026 377 2003' },
  { slug: 'presikhaaf', name: 'Wijkteam Presikhaaf', from: 6824, to: 6826, coaches: 22, phone: '026 377 2004' },
  { slug: 'zuid', name: 'Wijkteam Zuid', from: 6827, to: 6833, coaches: 24, phone: '026 377 2005' },
  { slug: 'malburgen', name: 'Wijkteam Malburgen', from: 6834, to: 6836, coaches: 20, phone: '026 377 2006' },
  { slug: 'elden', name: 'Wijkteam Elden en Schuytgraaf', from: 6837, to: 6842, coaches: 18, phone: '026 377 2007' },
  { slug: 'west', name: 'Wijkteam West', from: 6843, to: 6846, coaches: 16, phone: '026 377 2008' },
];

export const neighbours: Record<string, string[]> = {
  centrum: ['noord', 'oost', 'west'],
  noord: ['centrum', 'west'],
  oost: ['centrum', 'presikhaaf'],
  presikhaaf: ['oost', 'zuid'],
  zuid: ['presikhaaf', 'malburgen'],
  malburgen: ['zuid', 'elden'],
  elden: ['malburgen', 'west'],
  west: ['noord', 'centrum', 'elden'],
};

export const firstNames = [
  'Fatima',
  'Jeroen',
  'Sanne',
  'Mohamed',
  'Lotte',
  'Kees',
  'Aylin',
  'Bas',
  'Noor',
  'Pieter',
  'Yasmina',
  'Ruud',
  'Esther',
  'Hakan',
  'Marloes',
  'Daan',
  'Samira',
  'Wim',
  'Inge',
  'Tarik',
  'Anouk',
  'Joost',
  'Merel',
  'Youssef',
  'Femke',
  'Koen',
  'Zeynep',
  'Henk',
  'Ilse',
  'Rachid',
];
export const lastNames = [
  'de Vries',
  'Jansen',
  'El Amrani',
  'Bakker',
  'Visser',
  'Yilmaz',
  'Smit',
  'Meijer',
  'de Boer',
  'Mulder',
  'Bouzid',
  'de Groot',
  'Bos',
  'Vos',
  'Peters',
  'Hendriks',
  'van Dijk',
  'Kaya',
  'Dekker',
  'Brouwer',
];
export const expertise = ['opvoeding', 'geldzorgen', 'wonen', 'gezondheid', 'eenzaamheid', 'werk', 'ggz', 'ouderen'];
export const questions = [
  'Schulden',
  'Ik heb veel rekeningen en ik weet niet meer hoe ik ze moet betalen.',
  'Mijn zoon van 14 gaat niet meer naar school. Wij weten niet wat we moeten doen.',
  'Ik woon alleen sinds mijn man is overleden en ik zie bijna niemand meer.',
  'Mijn moeder kan niet meer goed voor zichzelf zorgen. Ik zorg veel voor haar en ik ben moe.',
  'Ik zoek werk maar het lukt niet. Ik heb ook problemen met mijn huis (schimmel).',
  'Ruzie thuis',
];
