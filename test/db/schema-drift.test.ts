// src/db/schema.ts is written by hand; this test fails when it no longer mirrors the migrated
// database: tables, columns, nullability, defaults and a coarse type per column.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import ts from 'typescript';
import { readdirSync, readFileSync } from 'node:fs';
import { createTestDb, onServer, type TestDb } from '../helpers/db.js';

const schemaPath = new URL('../../src/db/schema.ts', import.meta.url);
const schemaDir = new URL('../../src/db/schema/', import.meta.url);

/** schema.ts and the table files it re-exports (schema/*.ts), read as one text. */
function readSchemaText(): string {
  const parts = readdirSync(schemaDir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => new URL(f, schemaDir));
  return [schemaPath, ...parts].map((p) => readFileSync(p, 'utf8')).join('\n');
}

/** Columns whose difference is intended, as 'table.column: rule' -> why. Rules: default, nullable, type. */
const exceptions: Record<string, string> = {};

interface DbColumn {
  nullable: boolean;
  /** A default, an identity or a generated expression: the insert may leave it out. */
  hasDefault: boolean;
  type: string;
  family: string;
  /** The only values allowed (enum type or a `col in (...)` check), when there is such a list. */
  values: string[] | null;
}
type DbSchema = Record<string, Record<string, DbColumn>>;

// How src/db/client.ts hands values over: int8 and numeric as numbers, date as text.
const families: Record<string, string> = {
  int2: 'number',
  int4: 'number',
  int8: 'number',
  numeric: 'number',
  float4: 'number',
  float8: 'number',
  text: 'string',
  varchar: 'string',
  bpchar: 'string',
  uuid: 'string',
  citext: 'string',
  bool: 'boolean',
  timestamptz: 'Date',
  date: 'string',
  tstzrange: 'string',
  jsonb: 'json',
  json: 'json',
};

async function readDatabase(db: Kysely<any>): Promise<DbSchema> {
  const columns = await sql<{
    table: string;
    column: string;
    nullable: boolean;
    has_default: boolean;
    type: string;
    typtype: string;
    elem: string | null;
    labels: string[] | null;
  }>`
    select c.relname as table, a.attname as column, not a.attnotnull as nullable,
      (a.atthasdef or a.attidentity <> '' or a.attgenerated <> '') as has_default,
      t.typname as type, t.typtype::text as typtype, e.typname as elem,
      (select array_agg(l.enumlabel::text order by l.enumsortorder) from pg_enum l where l.enumtypid = t.oid) as labels
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    join pg_type t on t.oid = a.atttypid
    left join pg_type e on e.oid = t.typelem and t.typcategory = 'A'
    where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname not in ('kysely_migration', 'kysely_migration_lock')
    order by c.relname, a.attnum`.execute(db);
  const checks = await sql<{ table: string; column: string; def: string }>`
    select c.relname as table, a.attname as column, pg_get_constraintdef(k.oid) as def
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
    where k.contype = 'c' and n.nspname = 'public' and cardinality(k.conkey) = 1`.execute(db);
  const out: DbSchema = {};
  for (const r of columns.rows) {
    const family =
      r.typtype === 'e'
        ? 'string'
        : r.elem
          ? `${families[r.elem] ?? `?${r.elem}`}[]`
          : (families[r.type] ?? `?${r.type}`);
    (out[r.table] ??= {})[r.column] = {
      nullable: r.nullable,
      hasDefault: r.has_default,
      type: r.type,
      family,
      values: r.labels,
    };
  }
  for (const { table, column, def } of checks.rows) {
    // `col in ('a', 'b')` comes back as CHECK ((col = ANY (ARRAY['a'::text, 'b'::text]))).
    if (!/^CHECK \(\(\S+ = (ANY \(ARRAY\[.*\]\)|'.*'::[\w ]+)\)\)$/.test(def)) continue;
    const values = [...def.matchAll(/'((?:[^']|'')*)'::[\w ]+/g)].map((m) => m[1]!.replaceAll("''", "'"));
    const col = out[table]?.[column];
    if (col) col.values = values;
  }
  return out;
}

interface TsColumn {
  text: string;
  nullable: boolean;
  generated: boolean;
  families: string[];
  /** Set when every string the type allows is a literal. */
  literals: string[] | null;
}

type Env = Map<string, { node: ts.TypeNode; env: Env }>;

/** The Database interface of a schema.ts text, each column's type resolved through the file's own aliases. */
function readSchemaFile(text: string): { tables: Record<string, Record<string, TsColumn>>; problems: string[] } {
  const sf = ts.createSourceFile('schema.ts', text, ts.ScriptTarget.Latest, true);
  const aliases = new Map<string, ts.TypeAliasDeclaration>();
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  for (const s of sf.statements) {
    if (ts.isTypeAliasDeclaration(s)) aliases.set(s.name.text, s);
    if (ts.isInterfaceDeclaration(s)) interfaces.set(s.name.text, s);
  }
  const problems: string[] = [];

  // Follows parentheses, type parameters and the file's aliases to the node that says something.
  const expand = (node: ts.TypeNode, env: Env): { node: ts.TypeNode; env: Env } => {
    if (ts.isParenthesizedTypeNode(node)) return expand(node.type, env);
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
      const bound = env.get(node.typeName.text);
      if (bound) return expand(bound.node, bound.env);
      const alias = aliases.get(node.typeName.text);
      if (alias) {
        const inner: Env = new Map();
        alias.typeParameters?.forEach((p, i) => {
          const arg = node.typeArguments?.[i] ?? p.default;
          if (arg) inner.set(p.name.text, { node: arg, env });
        });
        return expand(alias.type, inner);
      }
    }
    return { node, env };
  };
  const wrapper = (node: ts.TypeNode, name: string) =>
    ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && node.typeName.text === name
      ? (node.typeArguments ?? [])
      : null;

  // The select-side members of a type, unions flattened and Generated/ColumnType unwrapped.
  const leaves = (node: ts.TypeNode, env: Env): ts.TypeNode[] => {
    const x = expand(node, env);
    if (ts.isUnionTypeNode(x.node)) return x.node.types.flatMap((t) => leaves(t, x.env));
    const args = wrapper(x.node, 'Generated') ?? wrapper(x.node, 'ColumnType');
    if (args?.[0]) return leaves(args[0], x.env);
    return x.node.kind === ts.SyntaxKind.NeverKeyword ? [] : [x.node];
  };
  // Kysely makes a column optional on insert when its insert type admits undefined (or never).
  const optionalOnInsert = (node: ts.TypeNode, env: Env): boolean => {
    const x = expand(node, env);
    if (ts.isUnionTypeNode(x.node)) return x.node.types.some((t) => optionalOnInsert(t, x.env));
    if (wrapper(x.node, 'Generated')) return true;
    const insert = wrapper(x.node, 'ColumnType')?.[1];
    if (insert) {
      const ins = leaves(insert, x.env);
      return ins.length === 0 || ins.some((l) => l.kind === ts.SyntaxKind.UndefinedKeyword);
    }
    return x.node.kind === ts.SyntaxKind.UndefinedKeyword;
  };
  const familyOf = (leaf: ts.TypeNode): string => {
    if (ts.isLiteralTypeNode(leaf)) {
      if (leaf.literal.kind === ts.SyntaxKind.NullKeyword) return 'null';
      if (ts.isStringLiteral(leaf.literal)) return 'string';
      if (ts.isNumericLiteral(leaf.literal)) return 'number';
      if (leaf.literal.kind === ts.SyntaxKind.TrueKeyword || leaf.literal.kind === ts.SyntaxKind.FalseKeyword)
        return 'boolean';
    }
    if (leaf.kind === ts.SyntaxKind.StringKeyword) return 'string';
    if (leaf.kind === ts.SyntaxKind.NumberKeyword) return 'number';
    if (leaf.kind === ts.SyntaxKind.BooleanKeyword) return 'boolean';
    if (leaf.kind === ts.SyntaxKind.UnknownKeyword || ts.isTypeLiteralNode(leaf)) return 'json';
    if (ts.isArrayTypeNode(leaf))
      return `${[...new Set(leaves(leaf.elementType, new Map()).map(familyOf))].join('|')}[]`;
    if (ts.isTypeReferenceNode(leaf) && ts.isIdentifier(leaf.typeName)) {
      if (leaf.typeName.text === 'Date') return 'Date';
      if (leaf.typeName.text === 'Record') return 'json';
    }
    return `?${leaf.getText(sf)}`;
  };

  const database = interfaces.get('Database');
  if (!database) return { tables: {}, problems: ['schema.ts: no `Database` interface'] };
  const tables: Record<string, Record<string, TsColumn>> = {};
  for (const member of database.members) {
    if (!ts.isPropertySignature(member) || !member.type) continue;
    const table = member.name.getText(sf);
    const row = ts.isTypeReferenceNode(member.type) ? interfaces.get(member.type.typeName.getText(sf)) : undefined;
    if (!row) {
      problems.push(`${table}: Database.${table} is not an interface declared in schema.ts`);
      continue;
    }
    const columns: Record<string, TsColumn> = (tables[table] = {});
    for (const prop of row.members) {
      if (!ts.isPropertySignature(prop) || !prop.type) continue;
      const name = prop.name.getText(sf);
      if (prop.questionToken)
        problems.push(`${table}.${name}: optional in ${row.name.text}; write \`T | null\` or Generated<T>`);
      const all = leaves(prop.type, new Map());
      const strings = all.filter((l) => familyOf(l) === 'string');
      const literals = strings.every((l) => ts.isLiteralTypeNode(l) && ts.isStringLiteral(l.literal))
        ? strings.map((l) => ((l as ts.LiteralTypeNode).literal as ts.StringLiteral).text)
        : null;
      columns[name] = {
        text: prop.type.getText(sf),
        nullable: all.some((l) => familyOf(l) === 'null'),
        generated: optionalOnInsert(prop.type, new Map()),
        families: [...new Set(all.map(familyOf).filter((f) => f !== 'null'))],
        literals: strings.length ? literals : null,
      };
    }
  }
  return { tables, problems };
}

/** Every difference between the database and a schema.ts text, one readable line each. */
function drift(db: DbSchema, schemaText: string, allowed: Record<string, string> = exceptions): string[] {
  const { tables, problems } = readSchemaFile(schemaText);
  const out = [...problems];
  const used = new Set<string>();
  const report = (key: string, message: string) => {
    if (key in allowed) used.add(key);
    else out.push(`${key}: ${message}`);
  };
  for (const table of Object.keys(db))
    if (!tables[table]) out.push(`${table}: table in the database, missing from Database in schema.ts`);
  for (const table of Object.keys(tables))
    if (!db[table]) out.push(`${table}: in Database in schema.ts, no such table in the database`);
  for (const [table, dbColumns] of Object.entries(db)) {
    const tsColumns = tables[table];
    if (!tsColumns) continue;
    for (const name of Object.keys(tsColumns))
      if (!dbColumns[name]) out.push(`${table}.${name}: in schema.ts, no such column in the database`);
    for (const [name, col] of Object.entries(dbColumns)) {
      const key = `${table}.${name}`;
      const t = tsColumns[name];
      if (!t) {
        out.push(
          `${key}: column in the database (${col.type}${col.nullable ? '' : ' not null'}), missing from schema.ts`,
        );
        continue;
      }
      if (col.nullable !== t.nullable) {
        report(
          `${key}: nullable`,
          col.nullable
            ? `nullable in the database, but \`${t.text}\` has no null`
            : `not null in the database, but \`${t.text}\` allows null`,
        );
      }
      if (col.hasDefault !== t.generated) {
        report(
          `${key}: default`,
          col.hasDefault
            ? `has a default in the database, but \`${t.text}\` is required on insert (use Generated<…> or an insert type with undefined)`
            : `no default in the database, but \`${t.text}\` is optional on insert`,
        );
      }
      const wrongFamily = t.families.filter((f) => f !== col.family);
      if (wrongFamily.length || t.families.length === 0) {
        report(
          `${key}: type`,
          `${col.type} in the database reads as ${col.family}, but \`${t.text}\` is ${t.families.join(' | ') || 'empty'}`,
        );
      } else if (t.literals && (!col.values || [...t.literals].sort().join() !== [...col.values].sort().join())) {
        report(
          `${key}: type`,
          `\`${t.text}\` allows ${t.literals.join(', ')}; the database allows ${col.values?.join(', ') ?? 'any text'}`,
        );
      }
    }
  }
  for (const key of Object.keys(allowed))
    if (!used.has(key)) out.push(`${key}: listed as an exception, but there is no such difference`);
  return out;
}

/** The schema text with `from` replaced by `to` inside one interface (or anywhere, for a null interface). */
function edit(text: string, iface: string | null, from: string, to: string): string {
  const start = iface ? text.indexOf(`interface ${iface} {`) : 0;
  const at = text.indexOf(from, start);
  if (start < 0 || at < 0 || (iface && at > text.indexOf('\n}', start)))
    throw new Error(`${from} not found in ${iface}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

describe(`schema.ts mirrors the migrated database (${onServer ? 'server' : 'embedded'})`, () => {
  let t: TestDb;
  let db: DbSchema;
  const schemaText = readSchemaText();
  beforeAll(async () => {
    t = await createTestDb();
    db = await readDatabase(t.db);
  });
  afterAll(async () => t?.close());

  it('has the same tables, columns, nullability, defaults and types', () => {
    const problems = drift(db, schemaText);
    expect(problems, `schema.ts differs from the migrations:\n  ${problems.join('\n  ')}\n`).toEqual([]);
  });

  // The checker itself: each edit of schema.ts below must be caught, with this complaint.
  it.each([
    [
      'an extra column',
      edit(schemaText, 'TeamTable', '  slug: string;', '  slug: string;\n  bogus: string;'),
      'team.bogus: in schema.ts, no such column',
    ],
    [
      'a missing column',
      edit(schemaText, 'RequestTable', '  lead_note: string | null;', ''),
      'request.lead_note: column in the database (text), missing',
    ],
    [
      'a missing table',
      edit(schemaText, 'Database', '  draft: DraftTable;', ''),
      'draft: table in the database, missing',
    ],
    [
      'null dropped',
      edit(schemaText, 'ReferrerTable', 'email: string | null', 'email: string'),
      'referrer.email: nullable: nullable in the database',
    ],
    [
      'null added',
      edit(schemaText, 'TeamTable', 'phone: string', 'phone: string | null'),
      'team.phone: nullable: not null in the database',
    ],
    [
      'Generated dropped',
      edit(schemaText, 'OutboxMessageTable', 'attempts: Generated<number>', 'attempts: number'),
      'outbox_message.attempts: default: has a default',
    ],
    [
      'Generated added',
      edit(schemaText, 'DraftTable', 'expires_at: Timestamp', 'expires_at: Generated<Date>'),
      'draft.expires_at: default: no default',
    ],
    [
      'an alias changed',
      edit(schemaText, null, 'Date | string | undefined, never>', 'Date | string, never>'),
      'absence.created_at: default: has a default',
    ],
    [
      'a wrong type',
      edit(schemaText, 'RequestTable', 'days_since_closure: number', 'days_since_closure: string'),
      'request.days_since_closure: type: int4',
    ],
    [
      'a wrong array type',
      edit(schemaText, 'StaffUserTable', 'Generated<string[]>', 'Generated<number[]>'),
      'staff_user.expertise: type: _text in the database reads as string[]',
    ],
    [
      'a literal missing',
      edit(schemaText, 'StaffTokenTable', " | 'unlock'", ''),
      "staff_token.kind: type: `'reset' | 'invite'` allows reset, invite; the database allows reset, invite, unlock",
    ],
    [
      'an aliased literal added',
      edit(schemaText, null, "'home' | 'office' | 'school'", "'home' | 'office' | 'school' | 'moon'"),
      'block.location_kind: type:',
    ],
  ])('catches %s', (_what, modified, complaint) => {
    expect(drift(db, modified).join('\n')).toContain(complaint);
  });

  it('catches an exception that is no longer needed', () => {
    expect(drift(db, schemaText, { 'team.slug: default': 'test' })).toContain(
      'team.slug: default: listed as an exception, but there is no such difference',
    );
  });
});
