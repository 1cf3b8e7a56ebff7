// The audit log nobody can quietly change (issue 17). Every entry is sealed when its transaction
// commits: it gets the next number in the chain (seq), the hash of the entry before it
// (prev_hash) and its own (hash: sha256 over a fixed text of its fields, seq and prev_hash).
// Sealing waits for a lock that is held only while a transaction commits, so entries from
// concurrent transactions form one chain in commit order, and a transaction that writes an entry
// early does not keep others waiting (nor meet them in a deadlock) while it goes on.
//
// The database refuses every UPDATE, DELETE and TRUNCATE of audit_event, for every user; the
// only update that passes is the seal of the writing transaction's own new entry. The only way
// to remove entries is audit_prune(before): it removes the oldest entries (the start of the
// chain, all older than `before`) and records the last removed entry's number and hash in the
// one row of audit_checkpoint, where verifying starts.
//
// A superuser (session_replication_role = replica) and the tables' owner (alter table ... disable
// trigger) can switch triggers off and then change or remove rows: that is what the hash chain is
// for. `npm run audit:verify` recomputes every hash outside the database and names the first
// entry that no longer fits.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table audit_event add column seq bigint, add column prev_hash text, add column hash text`.execute(db);

  await sql`
    create table audit_checkpoint (
      one boolean primary key default true check (one),
      last_seq bigint not null,
      last_id integer not null,
      last_hash text not null,
      last_at timestamptz not null,
      removed bigint not null check (removed >= 0),
      pruned_before timestamptz not null,
      pruned_at timestamptz not null default now()
    )`.execute(db);

  // The chain's newest entry, kept by the seal (under its lock), so a seal never searches for it.
  // Changed by hand, the next entry links to the wrong hash, which verifying reports.
  await sql`
    create table audit_head (
      one boolean primary key default true check (one),
      seq bigint not null,
      hash text not null
    )`.execute(db);

  // The hash of an entry: sha256 over 'audit-v1' and each field, each written as its length in
  // UTF-8 bytes, a colon and the value ('-' for null), joined by '|'. src/core/audit-chain.ts
  // computes the same text on its own. (plpgsql: its plan is kept, which an SQL function's is not.)
  await sql`
    create function audit_entry_hash(seq bigint, id integer, at timestamptz, actor integer, action text,
        subject_type text, subject_id integer, team_id integer, detail jsonb, prev text)
      returns text language plpgsql immutable as $$
    declare
      parts text[] := array[seq::text, id::text, (extract(epoch from at) * 1000000)::bigint::text, actor::text,
        action, subject_type, subject_id::text, team_id::text, detail::text, prev];
      whole text := 'audit-v1';
      v text;
    begin
      foreach v in array parts loop
        whole := whole || '|' || case when v is null then '-' else octet_length(convert_to(v, 'UTF8'))::text || ':' || v end;
      end loop;
      return encode(sha256(convert_to(whole, 'UTF8')), 'hex');
    end $$`.execute(db);

  // Existing entries, chained in id order.
  await sql`
    do $$
    declare
      r record;
      n bigint := 0;
      prev text := null;
    begin
      for r in select * from audit_event order by id loop
        n := n + 1;
        update audit_event set seq = n, prev_hash = prev,
          hash = audit_entry_hash(n, r.id, r.at, r.actor_staff_id, r.action, r.subject_type, r.subject_id, r.team_id,
            r.detail, prev)
         where id = r.id
        returning hash into prev;
      end loop;
    end $$`.execute(db);
  await sql`insert into audit_head (seq, hash) select seq, hash from audit_event order by seq desc limit 1`.execute(db);
  await sql`create unique index audit_event_seq on audit_event (seq)`.execute(db);

  // A new entry starts unsealed, whatever the insert says.
  await sql`
    create function audit_event_new() returns trigger language plpgsql as $$
    begin
      new.seq := null;
      new.prev_hash := null;
      new.hash := null;
      return new;
    end $$`.execute(db);
  await sql`create trigger audit_event_new before insert on audit_event
    for each row execute function audit_event_new()`.execute(db);

  // The only update allowed: sealing an unsealed entry without changing it. Whoever asks, the
  // seal is computed here, under the lock, from the chain's newest entry.
  await sql`
    create function audit_event_update() returns trigger language plpgsql as $$
    declare
      head_seq bigint;
      head_hash text;
    begin
      if old.hash is not null or (new.id, new.at, new.actor_staff_id, new.action, new.subject_type, new.subject_id,
          new.team_id, new.detail) is distinct from (old.id, old.at, old.actor_staff_id, old.action, old.subject_type,
          old.subject_id, old.team_id, old.detail) then
        raise exception 'audit_event is append-only: UPDATE is not allowed (old entries are removed only by audit_prune)'
          using errcode = 'insufficient_privilege';
      end if;
      perform pg_advisory_xact_lock(hashtext('audit_event_chain'));
      select h.seq, h.hash into head_seq, head_hash from audit_head h;
      new.seq := coalesce(head_seq, 0) + 1;
      new.prev_hash := head_hash;
      new.hash := audit_entry_hash(new.seq, new.id, new.at, new.actor_staff_id, new.action, new.subject_type,
        new.subject_id, new.team_id, new.detail, head_hash);
      insert into audit_head (seq, hash) values (new.seq, new.hash)
        on conflict (one) do update set seq = excluded.seq, hash = excluded.hash;
      return new;
    end $$`.execute(db);
  await sql`create trigger audit_event_update before update on audit_event
    for each row execute function audit_event_update()`.execute(db);

  // When the transaction commits, each of its new entries is sealed, in the order written.
  await sql`
    create function audit_event_seal() returns trigger language plpgsql as $$
    begin
      update audit_event set hash = null where id = new.id and hash is null;
      return null;
    end $$`.execute(db);
  await sql`create constraint trigger audit_event_seal after insert on audit_event
    deferrable initially deferred for each row execute function audit_event_seal()`.execute(db);

  await sql`
    create function audit_event_refuse() returns trigger language plpgsql as $$
    begin
      raise exception '% is append-only: % is not allowed', tg_table_name, tg_op
        using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`create trigger audit_event_no_truncate before truncate on audit_event
    for each statement execute function audit_event_refuse()`.execute(db);

  // A delete passes only for entries the checkpoint already covers, the checkpoint's own entry
  // with the hash it recorded: audit_prune moves the checkpoint first, then deletes.
  await sql`
    create function audit_event_delete() returns trigger language plpgsql as $$
    declare
      cp audit_checkpoint;
    begin
      select * into cp from audit_checkpoint;
      if cp is null or old.seq is null or old.seq > cp.last_seq or (old.seq = cp.last_seq and old.hash <> cp.last_hash) then
        raise exception 'audit_event is append-only: DELETE is not allowed (old entries are removed only by audit_prune)'
          using errcode = 'insufficient_privilege';
      end if;
      return old;
    end $$`.execute(db);
  await sql`create trigger audit_event_no_delete before delete on audit_event
    for each row execute function audit_event_delete()`.execute(db);

  // The checkpoint only moves forward, and is never removed.
  await sql`
    create function audit_checkpoint_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and new.last_seq > old.last_seq and new.removed >= old.removed then
        return new;
      end if;
      raise exception 'audit_checkpoint only moves forward: % is not allowed', tg_op
        using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`create trigger audit_checkpoint_guard before update or delete on audit_checkpoint
    for each row execute function audit_checkpoint_guard()`.execute(db);
  await sql`create trigger audit_checkpoint_no_truncate before truncate on audit_checkpoint
    for each statement execute function audit_event_refuse()`.execute(db);

  // Removes the entries older than \`before\` from the start of the chain (up to the first entry
  // that is not older) and returns how many.
  await sql`
    create function audit_prune(before timestamptz) returns bigint language plpgsql as $$
    declare
      r record;
      cut audit_event;
      n bigint := 0;
    begin
      perform pg_advisory_xact_lock(hashtext('audit_event_chain'));
      -- Reads only the entries it removes and the one after them.
      for r in select * from audit_event where seq is not null order by seq loop
        exit when r.at >= before;
        cut := r;
        n := n + 1;
      end loop;
      if n = 0 then
        return 0;
      end if;
      insert into audit_checkpoint (last_seq, last_id, last_hash, last_at, removed, pruned_before)
        values (cut.seq, cut.id, cut.hash, cut.at, n, before)
        on conflict (one) do update set last_seq = excluded.last_seq, last_id = excluded.last_id,
          last_hash = excluded.last_hash, last_at = excluded.last_at,
          removed = audit_checkpoint.removed + excluded.removed, pruned_before = excluded.pruned_before,
          pruned_at = now();
      delete from audit_event where seq <= cut.seq;
      return n;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function audit_prune(timestamptz)`.execute(db);
  await sql`drop trigger audit_checkpoint_no_truncate on audit_checkpoint`.execute(db);
  await sql`drop trigger audit_checkpoint_guard on audit_checkpoint`.execute(db);
  await sql`drop function audit_checkpoint_guard()`.execute(db);
  await sql`drop trigger audit_event_no_delete on audit_event`.execute(db);
  await sql`drop function audit_event_delete()`.execute(db);
  await sql`drop trigger audit_event_no_truncate on audit_event`.execute(db);
  await sql`drop function audit_event_refuse()`.execute(db);
  await sql`drop trigger audit_event_seal on audit_event`.execute(db);
  await sql`drop function audit_event_seal()`.execute(db);
  await sql`drop trigger audit_event_update on audit_event`.execute(db);
  await sql`drop function audit_event_update()`.execute(db);
  await sql`drop trigger audit_event_new on audit_event`.execute(db);
  await sql`drop function audit_event_new()`.execute(db);
  await sql`drop function audit_entry_hash(bigint, integer, timestamptz, integer, text, text, integer, integer, jsonb, text)`.execute(
    db,
  );
  await sql`drop table audit_head`.execute(db);
  await sql`drop table audit_checkpoint`.execute(db);
  await sql`drop index audit_event_seq`.execute(db);
  await sql`alter table audit_event drop column hash, drop column prev_hash, drop column seq`.execute(db);
}
