// A dump of the schema from the catalog (what pg_dump --schema-only would tell
// apart), to compare two states of a database exactly.
import type { TestDatabase } from './database.ts';

export async function catalogSnapshot(db: TestDatabase, options: { withLedger?: boolean } = {}): Promise<string> {
  const ledger = options.withLedger ? '' : `and c.relname not like 'pgmigrations%'`;
  const rows = await db.query<{ line: string }>(
    `select line from (
       select 'extension ' || extname as line from pg_extension
       union all
       select format('column %s.%s %s %s default %s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                     case when a.attnotnull then 'not null' else 'null' end, coalesce(pg_get_expr(d.adbin, d.adrelid), '-'))
         from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
         left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm') and a.attnum > 0 and not a.attisdropped ${ledger}
       union all
       select 'index ' || indexdef || case when i.indisvalid then '' else ' INVALID' end
         from pg_indexes x join pg_class ic on ic.relname = x.indexname join pg_index i on i.indexrelid = ic.oid
        where x.schemaname = 'public' ${ledger.replace('c.relname', 'x.tablename')}
       union all
       select format('constraint %s %s', conname, pg_get_constraintdef(oid)) from pg_constraint
        where connamespace = 'public'::regnamespace and conname not like 'pgmigrations%'
       union all
       select format('trigger %s', pg_get_triggerdef(oid)) from pg_trigger where not tgisinternal
     ) s order by line`,
  );
  return rows.map((r) => r.line).join('\n');
}
