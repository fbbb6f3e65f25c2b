// A fingerprint of what the catalog listing reads, at a fraction of its cost: per system catalog,
// how many rows of user objects it holds and a sum of hashes of their xmin. A DDL statement writes
// new row versions (a new xmin) or deletes rows, so the listing cannot change while the fingerprint
// stays; the reverse happens (a grant, a storage parameter), and costs one listing more.
// Catalogs whose system rows the listing prints (the public schema, plpgsql) are read whole.
import { hash } from 'node:crypto';
import { CATALOG_LISTING } from './catalog-listing.ts';

const CATALOGS: [catalog: string, userObjectsFrom: string | undefined][] = [
  ['pg_namespace', undefined],
  ['pg_extension', undefined],
  ['pg_language', undefined],
  ['pg_class', 'oid'],
  ['pg_attribute', 'attrelid'],
  ['pg_attrdef', 'adrelid'],
  ['pg_index', 'indrelid'],
  ['pg_constraint', 'oid'],
  ['pg_inherits', 'inhrelid'],
  ['pg_sequence', 'seqrelid'],
  ['pg_rewrite', 'ev_class'],
  ['pg_trigger', 'oid'],
  ['pg_proc', 'oid'],
  ['pg_type', 'oid'],
  ['pg_enum', 'oid'],
  ['pg_depend', 'objid'],
  ['pg_description', 'objoid'],
  // names the definitions print
  ['pg_collation', 'oid'],
  ['pg_opclass', 'oid'],
  ['pg_operator', 'oid'],
  ['pg_ts_config', 'oid'],
];

/** FirstNormalObjectId: objects of initdb are below, every object created later at or above. */
const FIRST_USER_OID = 16384;

/** One row, one column `catalog`: the counts and sums, and the server's version (its listing may differ). */
export const CATALOG_FINGERPRINT = `select pg_catalog.current_setting('server_version_num') || ' ' || pg_catalog.string_agg(s.counted, ' ' order by s.counted) as catalog from (${CATALOGS.map(
  ([catalog, column]) =>
    `select '${catalog}=' || pg_catalog.count(*) || ':' || coalesce(pg_catalog.sum(pg_catalog.hashint8extended(xmin::text::int8, 0)), 0) as counted from pg_catalog.${catalog}${column ? ` where ${column} >= ${FIRST_USER_OID}` : ''}`,
).join(' union all ')}) s`;

/** What the port hands out: the server's answer and the listing that answer stands for, hashed. */
export function fingerprintOf(catalog: string): string {
  return hash('sha256', `${CATALOG_LISTING}\0${catalog}`);
}
