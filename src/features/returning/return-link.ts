// The one-time link of /opnieuw: asked for (the same answer and the same kind of stored state
// whether or not the details match, so nobody can learn who is a client: one link row and one
// mail either way), checked, and used up (30 minutes, once) to open a new sign-up with the
// known details, the team, the known coach and their duo partner.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { knownOf, partnerOf } from '../../domain/routing.js';
import { hashToken, newToken } from '../../domain/tokens.js';
import type { Locale } from '../../core/i18n.js';
import type { Draft } from '../../core/signup-draft.js';
import { audit } from '../../core/audit.js';
import { teamById, teamForPostcode } from '../../core/teams.js';
import { linkMail, noMatchMail, type ReturnMailContext } from './mails.js';
import {
  insertLink,
  lastRequestOf,
  linksSince,
  lockAddress,
  recentBlockCoaches,
  residentById,
  usableLink,
  useLink,
} from './repository.js';
import { lastConversationOf, leadOfRows, residentByEmailAndPostcode, samePerson } from './history.js';

export const LINK_MINUTES = 30;
/** At most this many links per address an hour: /opnieuw cannot be used to flood a mailbox. */
export const LINKS_PER_ADDRESS = 3;
const LINKS_WINDOW_MINUTES = 60;

const emailHashOf = (email: string) => hashToken(`return-link:${email.trim().toLowerCase()}`);

export async function requestLink(
  db: Kysely<Database>,
  input: { email: string; postcode: string; now: Date; locale: Locale; ctx: ReturnMailContext },
): Promise<void> {
  const email = input.email.trim();
  const emailHash = emailHashOf(email);
  const resident = await residentByEmailAndPostcode(db, email, input.postcode);
  const token = newToken();
  await db.transaction().execute(async (trx) => {
    // Counted and written under a lock per address, so requests that arrive together count
    // each other (30 at once still send at most LINKS_PER_ADDRESS mails).
    await lockAddress(trx, emailHash);
    if (
      (await linksSince(trx, emailHash, new Date(input.now.getTime() - LINKS_WINDOW_MINUTES * 60_000))) >=
      LINKS_PER_ADDRESS
    )
      return;
    await insertLink(trx, {
      tokenHash: hashToken(token),
      residentId: resident?.id ?? null,
      emailHash,
      expiresAt: new Date(input.now.getTime() + LINK_MINUTES * 60_000),
      now: input.now,
    });
    if (resident) await linkMail(trx, input.ctx, email, resident.name, token, LINK_MINUTES, input.locale);
    else await noMatchMail(trx, input.ctx, email, input.locale);
  });
}

const tokenShape = (token: string) => /^[A-Za-z0-9_-]{43}$/.test(token);

/** Whether the link can still be opened (without using it up). */
export async function linkIsUsable(db: Kysely<Database>, token: string, now: Date): Promise<boolean> {
  return tokenShape(token) && (await usableLink(db, hashToken(token), now)) !== null;
}

/** "1984-05-17" -> "17-05-1984", as the details form takes it. */
function birthDateForForm(iso: string | null): string | undefined {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})/.exec(iso) : null;
  return m ? `${m[3]}-${m[2]}-${m[1]}` : undefined;
}

/**
 * Uses the link up and returns the new sign-up draft: the known details (of the row the link was
 * made for: the one with the most recent request), the team (of the last request, else by
 * postcode), the known coach, why, and their duo partner. The history is that of every row of
 * the person (samePerson): the last request, the lead and the last conversation across them all.
 * Null: not (or no longer) valid.
 */
export async function openLink(db: Kysely<Database>, token: string, now: Date): Promise<Omit<Draft, 'key'> | null> {
  if (!tokenShape(token)) return null;
  return db.transaction().execute(async (trx) => {
    const residentId = await useLink(trx, hashToken(token), now);
    if (residentId === null) return null;
    const r = (await residentById(trx, residentId))!;
    const rows = await samePerson(trx, residentId);
    const last = await lastRequestOf(trx, rows);
    const team =
      (last?.team_id ? await teamById(trx, last.team_id) : null) ??
      (r.postcode ? await teamForPostcode(trx, r.postcode) : null);
    const conversation = await lastConversationOf(trx, rows, team?.id ?? null, now);
    const known = knownOf({
      lastRequestLead: last?.lead_coach_id ?? null,
      residentLead: await leadOfRows(trx, rows),
      lastConversation: conversation,
    });
    const knownCoachId = known?.id ?? null;
    const partnerCoachId =
      knownCoachId === null
        ? null
        : partnerOf(knownCoachId, conversation?.blockCoachIds ?? [], await recentBlockCoaches(trx, knownCoachId, now));
    await audit(trx, {
      action: 'return_link_used',
      subjectType: 'resident',
      subjectId: residentId,
      teamId: team?.id ?? null,
      detail: { knownCoachId, knownWhy: known?.why ?? null, partnerCoachId, rows: rows.length },
    });
    // An anonymised resident's details are gone: the sign-up asks for them again (from the postcode).
    const u = <T>(v: T | null) => (r.anonymised_at ? undefined : (v ?? undefined));
    return {
      postcode: u(r.postcode),
      houseNumber: u(r.house_number),
      teamId: team?.id ?? null,
      outOfArea: !team,
      name: u(r.name),
      email: u(r.email),
      phone: u(r.phone),
      street: u(r.street),
      city: u(r.city),
      language: r.language,
      interpreter: r.interpreter,
      dateOfBirth: u(birthDateForForm(r.date_of_birth) ?? null),
      about: last?.about,
      returningResidentId: residentId,
      knownCoachId,
      knownWhy: known?.why ?? null,
      partnerCoachId,
      previousRequestId: last?.id ?? null,
    };
  });
}
