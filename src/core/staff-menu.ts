// The staff menu, by role. Each feature's start page is listed once here.
import type { Role } from '../db/schema.js';

export interface MenuItem {
  href: string;
  label: string;
  roles: readonly Role[];
}

export const staffMenuItems: MenuItem[] = [
  {
    href: '/medewerker',
    label: 'staff.nav.home',
    roles: ['coach', 'teamlead', 'frontoffice', 'admin', 'beleid', 'privacy'],
  },
  { href: '/medewerker/agenda', label: 'staff.nav.agenda', roles: ['coach', 'teamlead'] },
  { href: '/medewerker/blokken', label: 'staff.nav.blocks', roles: ['coach', 'teamlead'] },
  { href: '/medewerker/afwezigheid', label: 'staff.nav.absence', roles: ['coach', 'teamlead'] },
  { href: '/medewerker/capaciteit', label: 'staff.nav.capacity', roles: ['coach', 'teamlead'] },
  { href: '/medewerker/wachtrij', label: 'staff.nav.queue', roles: ['coach', 'teamlead', 'frontoffice'] },
  { href: '/medewerker/namens', label: 'staff.nav.onBehalf', roles: ['coach', 'teamlead', 'frontoffice'] },
  { href: '/medewerker/verwijzers', label: 'referral.contacts.nav', roles: ['coach', 'teamlead'] },
  { href: '/medewerker/cijfers', label: 'staff.nav.figures', roles: ['teamlead', 'beleid'] },
  { href: '/medewerker/beheer', label: 'staff.nav.admin', roles: ['admin'] },
  { href: '/medewerker/privacy', label: 'staff.nav.privacy', roles: ['privacy'] },
];

export function staffMenu(role: Role): MenuItem[] {
  return staffMenuItems.filter((i) => i.roles.includes(role));
}
