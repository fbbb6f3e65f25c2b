// Which table lock a statement takes, read from the parse tree: what a reviewer
// needs to know before running a migration on a live database. Modes follow
// PostgreSQL's documentation ("Explicit Locking", and each command's page).
import type { Node } from 'libpg-query';

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

type Relation = { schemaname?: string; relname?: string } | undefined;
const name = (r: Relation) => (r?.relname ? `${r.schemaname ?? 'public'}.${r.relname}` : '?');
const names = (objects: unknown[] | undefined) =>
  (objects ?? []).map((o) => {
    const items = (o as { List?: { items?: { String?: { sval: string } }[] } }).List?.items ?? [];
    const parts = items.map((i) => i.String?.sval ?? '?');
    return parts.length === 1 ? `public.${parts[0]}` : parts.join('.');
  });

/** The table locks one parsed statement takes; empty for statements that lock no table (CREATE EXTENSION, CREATE FUNCTION …). */
export function locksOf(stmt: Node): TableLock[] {
  const [kind, node] = Object.entries(stmt)[0] as [string, Record<string, unknown>];
  switch (kind) {
    case 'IndexStmt':
      return [{ table: name(node.relation as Relation), mode: node.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE' }];
    case 'AlterTableStmt':
      return [{ table: name(node.relation as Relation), mode: alterTableMode(node.cmds as { AlterTableCmd: { subtype: string; def?: Record<string, unknown> } }[]) }];
    case 'DropStmt':
      if (node.removeType === 'OBJECT_TABLE' || node.removeType === 'OBJECT_MATVIEW' || node.removeType === 'OBJECT_VIEW') {
        return names(node.objects as unknown[]).map((table) => ({ table, mode: 'ACCESS EXCLUSIVE' as const }));
      }
      if (node.removeType === 'OBJECT_INDEX') {
        const mode: LockMode = node.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
        return names(node.objects as unknown[]).map((table) => ({ table, index: true as const, mode }));
      }
      return [];
    case 'RenameStmt':
      return node.relation ? [{ table: name(node.relation as Relation), mode: 'ACCESS EXCLUSIVE' }] : [];
    case 'TruncateStmt':
      return (node.relations as { RangeVar: Relation }[]).map((r) => ({ table: name(r.RangeVar), mode: 'ACCESS EXCLUSIVE' as const }));
    case 'CreateTrigStmt':
      return [{ table: name(node.relation as Relation), mode: 'SHARE ROW EXCLUSIVE' }];
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
      return [{ table: name(node.relation as Relation), mode: 'ROW EXCLUSIVE' }];
    case 'CreateStmt':
      return [{ table: name(node.relation as Relation), mode: 'ACCESS EXCLUSIVE' }]; // a new table: nobody else can see it yet
    default:
      return [];
  }
}

// The strongest lock any of the subcommands needs.
function alterTableMode(cmds: { AlterTableCmd: { subtype: string; def?: Record<string, unknown> } }[]): LockMode {
  const rank: LockMode[] = ['SHARE UPDATE EXCLUSIVE', 'SHARE ROW EXCLUSIVE', 'ACCESS EXCLUSIVE'];
  let strongest = 0;
  for (const { AlterTableCmd: cmd } of cmds) {
    const constraint = (cmd.def as { Constraint?: { contype?: string } } | undefined)?.Constraint;
    const mode =
      cmd.subtype === 'AT_ValidateConstraint' || cmd.subtype === 'AT_SetStatistics' || cmd.subtype === 'AT_ClusterOn'
        ? 0
        : cmd.subtype === 'AT_AddConstraint' && constraint?.contype === 'CONSTR_FOREIGN'
          ? 1
          : 2;
    strongest = Math.max(strongest, mode);
  }
  return rank[strongest]!;
}
