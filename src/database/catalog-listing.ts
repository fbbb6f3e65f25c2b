// The live schema as text, one line per object, sorted in C collation: what
// adoption and verify compare with a known state of MnemoLite. Run with an empty
// search_path (set for the transaction) so every name prints schema-qualified.
// Left out: system schemas, extension members, extension versions, NOT NULL
// constraints (nullability is on the column line), alembic_version, and our own
// ledger ($1 = its schema, $2 = its table: the table, `_checksums`, `_schema_checks`, the id sequence).
export const CATALOG_LISTING = `
with nsp as (
  select n.oid, n.nspname from pg_catalog.pg_namespace n
   where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname !~ '^pg_(toast_)?temp'
     and not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass and d.objid = n.oid and d.deptype = 'e')
), rel as (
  select c.oid, c.relkind, c.relpersistence, c.relispartition, pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) as qname
    from pg_catalog.pg_class c join nsp n on n.oid = c.relnamespace
   where not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = c.oid and d.deptype = 'e')
     and not (n.nspname = 'public' and c.relname in ('alembic_version', 'alembic_version_pkc'))
     and not (n.nspname = $1::text and c.relname::text in ($2::text, $2::text || '_checksums', $2::text || '_schema_checks', $2::text || '_id_seq'))
), proc as (
  select p.oid, p.prokind, pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname) || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' as sig
    from pg_catalog.pg_proc p join nsp n on n.oid = p.pronamespace
   where not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass and d.objid = p.oid and d.deptype = 'e')
), lines as (
  select 'extension ' || e.extname || ' schema=' || e.extnamespace::pg_catalog.regnamespace::text as line from pg_catalog.pg_extension e
  union all
  select 'schema ' || pg_catalog.quote_ident(nspname) from nsp
  union all
  select case r.relkind when 'r' then 'table ' when 'p' then 'table ' when 'v' then 'view ' when 'm' then 'matview '
                        when 'S' then 'sequence ' when 'f' then 'foreign-table ' else 'relation ' end
         || r.qname
         || case when r.relkind = 'p' then ' partitioned' else '' end
         || case when r.relispartition then ' partition-of=' || (select i.inhparent::pg_catalog.regclass::text from pg_catalog.pg_inherits i where i.inhrelid = r.oid) else '' end
         || case r.relpersistence when 'u' then ' unlogged' when 't' then ' temp' else '' end
         || case when r.relkind in ('v', 'm') then ': ' || pg_catalog.regexp_replace(pg_catalog.pg_get_viewdef(r.oid), '\\s+', ' ', 'g') else '' end
         || case when r.relkind = 'S' then (
              select ' type=' || pg_catalog.format_type(s.seqtypid, null) || ' start=' || s.seqstart || ' increment=' || s.seqincrement
                     || ' min=' || s.seqmin || ' max=' || s.seqmax || ' cache=' || s.seqcache || case when s.seqcycle then ' cycle' else '' end
                     || coalesce((select ' owned-by=' || d.refobjid::pg_catalog.regclass::text || '.' || pg_catalog.quote_ident(a.attname)
                                    from pg_catalog.pg_depend d join pg_catalog.pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
                                   where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = r.oid and d.deptype in ('a', 'i')
                                     and d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass limit 1), '')
                from pg_catalog.pg_sequence s where s.seqrelid = r.oid) else '' end
    from rel r where r.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
  union all
  select 'column ' || r.qname || '.' || pg_catalog.quote_ident(a.attname) || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
         || case when a.attnotnull then ' not-null' else ' null' end
         || case when a.attgenerated = 's' then ' generated=' || pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)
                 when ad.adbin is not null then ' default=' || pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) else '' end
         || case a.attidentity when 'a' then ' identity=always' when 'd' then ' identity=by-default' else '' end
         || case when a.attcollation <> 0 and a.attcollation <> t.typcollation then ' collate=' || a.attcollation::pg_catalog.regcollation::text else '' end
    from rel r join pg_catalog.pg_attribute a on a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped
    join pg_catalog.pg_type t on t.oid = a.atttypid
    left join pg_catalog.pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
   where r.relkind in ('r', 'p', 'v', 'm', 'f')
  union all
  select 'column-order ' || r.qname || ': ' || pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ',' order by a.attnum)
    from rel r join pg_catalog.pg_attribute a on a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped
   where r.relkind in ('r', 'p', 'v', 'm', 'f') group by r.qname
  union all
  select 'index ' || r.qname || '.' || pg_catalog.quote_ident(ic.relname) || ': ' || pg_catalog.pg_get_indexdef(i.indexrelid)
         || case when not i.indisvalid then ' [INVALID]' else '' end
         || case when i.indisclustered then ' [CLUSTERED]' else '' end
    from pg_catalog.pg_index i join rel r on r.oid = i.indrelid join pg_catalog.pg_class ic on ic.oid = i.indexrelid
  union all
  select 'constraint ' || r.qname || '.' || pg_catalog.quote_ident(c.conname) || ' '
         || case c.contype when 'p' then 'primary-key' when 'u' then 'unique' when 'f' then 'foreign-key' when 'c' then 'check'
                           when 'x' then 'exclusion' when 't' then 'trigger' else c.contype::text end
         || ': ' || pg_catalog.pg_get_constraintdef(c.oid)
         || case when not c.convalidated then ' [NOT VALIDATED]' else '' end
    from pg_catalog.pg_constraint c join rel r on r.oid = c.conrelid where c.contype <> 'n'
  union all
  select 'function ' || p.sig || ': ' || pg_catalog.regexp_replace(pg_catalog.pg_get_functiondef(p.oid), '\\s+', ' ', 'g')
    from proc p where p.prokind in ('f', 'p', 'w')
  union all
  select 'aggregate ' || p.sig from proc p where p.prokind = 'a'
  union all
  select 'trigger ' || r.qname || '.' || pg_catalog.quote_ident(tg.tgname) || ': ' || pg_catalog.pg_get_triggerdef(tg.oid)
         || case tg.tgenabled when 'O' then '' when 'D' then ' [DISABLED]' when 'R' then ' [REPLICA]' when 'A' then ' [ALWAYS]' end
    from pg_catalog.pg_trigger tg join rel r on r.oid = tg.tgrelid where not tg.tgisinternal
  union all
  select 'type ' || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(t.typname) || ' '
         || case t.typtype when 'e' then 'enum: ' || (select pg_catalog.string_agg(pg_catalog.quote_literal(e.enumlabel), ',' order by e.enumsortorder) from pg_catalog.pg_enum e where e.enumtypid = t.oid)
                            when 'd' then 'domain: ' || pg_catalog.format_type(t.typbasetype, t.typtypmod)
                            when 'c' then 'composite' when 'r' then 'range' else t.typtype::text end
    from pg_catalog.pg_type t join nsp n on n.oid = t.typnamespace
   where t.typtype in ('e', 'd', 'c', 'r') and (t.typrelid = 0 or (select c.relkind from pg_catalog.pg_class c where c.oid = t.typrelid) = 'c')
     and not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass and d.objid = t.oid and d.deptype = 'e')
  union all
  select 'comment ' || case when ds.objsubid > 0 then 'column ' || r.qname || '.' || pg_catalog.quote_ident(a.attname)
                            when r.relkind in ('i', 'I') then 'index ' || r.qname
                            when r.relkind in ('v', 'm') then 'view ' || r.qname
                            else 'table ' || r.qname end
         || ': ' || pg_catalog.regexp_replace(ds.description, '\\s+', ' ', 'g')
    from pg_catalog.pg_description ds join rel r on ds.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass and ds.objoid = r.oid
    left join pg_catalog.pg_attribute a on a.attrelid = r.oid and a.attnum = ds.objsubid and ds.objsubid > 0
  union all
  select 'comment function ' || p.sig || ': ' || pg_catalog.regexp_replace(ds.description, '\\s+', ' ', 'g')
    from pg_catalog.pg_description ds join proc p on ds.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass and ds.objoid = p.oid
)
select line from lines order by line collate "C"`;

/** What the listing folds onto one line, whole, named as the listing names the object (run with the same search_path). */
export const DEFINITIONS = `
select 'function ' || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname) || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' as object,
       pg_catalog.pg_get_functiondef(p.oid) as definition
  from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where p.prokind in ('f', 'p', 'w') and n.nspname not in ('pg_catalog', 'information_schema')
   and not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass and d.objid = p.oid and d.deptype = 'e')
union all
select 'view ' || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), pg_catalog.pg_get_viewdef(c.oid, true)
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
 where c.relkind = 'v' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_'
   and not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = c.oid and d.deptype = 'e')`;

const COMMENT_LINE = /^comment (table|column|index|view|function) (.+?): (.*)$/s;

/** A catalog comment line taken apart: `comment column public.t.c: text` -> COMMENT ON COLUMN public.t.c IS 'text'. */
export function parseCommentLine(line: string): { kind: string; target: string; text: string } {
  const match = COMMENT_LINE.exec(line);
  if (!match) throw new Error(`not a comment line of the catalog: ${line}`);
  return { kind: match[1]!, target: match[2]!, text: match[3]! };
}
