// Which table lock a statement takes, read from the parse tree: what a reviewer
// needs to know before running a migration on a live database. Modes follow
// PostgreSQL's documentation ("Explicit Locking", and each command's page).
import type { AlterTableCmd, Node, RangeVar } from 'libpg-query';
import { strings, tableName } from './parse-statements.ts';

export type LockMode =
  | 'ACCESS SHARE'
  | 'ROW EXCLUSIVE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'SHARE'
  | 'SHARE ROW EXCLUSIVE'
  | 'ACCESS EXCLUSIVE';

export interface TableLock {
  /** "schema.name" */
  table: string;
  /** DROP INDEX names the index, not its table; both are locked in this mode */
  index?: true;
  mode: LockMode;
}

const on = (relation: RangeVar | undefined, mode: LockMode): TableLock[] =>
  relation?.relname ? [{ table: tableName(relation), mode }] : [];
const dropped = (objects: Node[] = []) =>
  objects.flatMap((o) => ('List' in o ? [tableName(strings(o.List.items))] : []));

/** The table locks one parsed statement takes; empty for statements that lock no table (CREATE EXTENSION, CREATE FUNCTION …). */
export function locksOf(node: Node): TableLock[] {
  if ('IndexStmt' in node)
    return on(node.IndexStmt.relation, node.IndexStmt.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE');
  if ('AlterTableStmt' in node) {
    const cmds = (node.AlterTableStmt.cmds ?? []).flatMap((c) => ('AlterTableCmd' in c ? [c.AlterTableCmd] : []));
    return on(node.AlterTableStmt.relation, alterTableMode(cmds));
  }
  if ('DropStmt' in node) {
    const { removeType, objects, concurrent } = node.DropStmt;
    if (removeType === 'OBJECT_TABLE' || removeType === 'OBJECT_MATVIEW' || removeType === 'OBJECT_VIEW') {
      return dropped(objects).map((table) => ({ table, mode: 'ACCESS EXCLUSIVE' }));
    }
    if (removeType === 'OBJECT_INDEX') {
      const mode: LockMode = concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
      return dropped(objects).map((table) => ({ table, index: true, mode }));
    }
    return [];
  }
  if ('RenameStmt' in node) return on(node.RenameStmt.relation, 'ACCESS EXCLUSIVE');
  if ('TruncateStmt' in node) {
    return (node.TruncateStmt.relations ?? []).flatMap((r) =>
      'RangeVar' in r ? on(r.RangeVar, 'ACCESS EXCLUSIVE') : [],
    );
  }
  if ('CreateTrigStmt' in node) return on(node.CreateTrigStmt.relation, 'SHARE ROW EXCLUSIVE');
  if ('InsertStmt' in node) return on(node.InsertStmt.relation, 'ROW EXCLUSIVE');
  if ('UpdateStmt' in node) return on(node.UpdateStmt.relation, 'ROW EXCLUSIVE');
  if ('DeleteStmt' in node) return on(node.DeleteStmt.relation, 'ROW EXCLUSIVE');
  if ('CreateStmt' in node) return on(node.CreateStmt.relation, 'ACCESS EXCLUSIVE'); // a new table: nobody else can see it yet
  return [];
}

// The strongest lock any of the subcommands needs.
function alterTableMode(cmds: AlterTableCmd[]): LockMode {
  const rank: LockMode[] = ['SHARE UPDATE EXCLUSIVE', 'SHARE ROW EXCLUSIVE', 'ACCESS EXCLUSIVE'];
  let strongest = 0;
  for (const cmd of cmds) {
    const foreignKey =
      cmd.def !== undefined && 'Constraint' in cmd.def && cmd.def.Constraint.contype === 'CONSTR_FOREIGN';
    const mode =
      cmd.subtype === 'AT_ValidateConstraint' || cmd.subtype === 'AT_SetStatistics' || cmd.subtype === 'AT_ClusterOn'
        ? 0
        : cmd.subtype === 'AT_AddConstraint' && foreignKey
          ? 1
          : 2;
    strongest = Math.max(strongest, mode);
  }
  return rank[strongest]!;
}
