// Lints SQL with the real PostgreSQL parser (libpg_query): walks the statements
// in order, keeps track of which tables the statements themselves created
// (those are new and empty, so nothing on them is dangerous), and reports the
// dangerous operations on every other table.
import type { AlterTableCmd, Constraint, IndexStmt, Node, RangeVar, RenameStmt, UpdateStmt } from 'libpg-query';
import { SqlSyntaxError } from '../errors.ts';
import { parseStatements, strings, tableName } from '../sql/parse-statements.ts';
import { finding, type LintFinding, type RuleId } from './rules.ts';

/** What the linter knows about the schema between statements. */
export interface SchemaFacts {
  /** tables that exist, as "schema.table" */
  tables: ReadonlySet<string>;
  /** CHECK (col IS NOT NULL) constraints, by "schema.table/constraint" */
  notNullChecks: ReadonlyMap<string, NotNullCheck>;
}

export interface NotNullCheck {
  table: string;
  column: string;
  validated: boolean;
}

export const EMPTY_SCHEMA: SchemaFacts = { tables: new Set(), notNullChecks: new Map() };

/** What statements certainly created: tables as "schema.table", columns as "schema.table.column". */
export interface Created {
  tables: ReadonlySet<string>;
  columns: ReadonlySet<string>;
}

/** One piece of SQL (one MigrationBuilder step) and where it sits in its file. */
export interface SqlPiece {
  sql: string;
  /** the file line on which `sql` starts */
  line: number;
  /** false when `sql` is not a verbatim slice of the file (builder calls, interpolation): its findings all point at `line` */
  verbatim: boolean;
}

export interface SqlLintContext {
  file: string;
  before: SchemaFacts;
  /** whether the statements run in one transaction */
  transaction: boolean;
  /** set when linting a down: what its up created, which is all it may drop */
  undoing?: Created;
}

export interface SqlLint {
  findings: LintFinding[];
  after: SchemaFacts;
  created: Created;
}

export async function lintSql(pieces: readonly SqlPiece[], context: SqlLintContext): Promise<SqlLint> {
  const walker = new StatementWalker(context);
  for (const piece of pieces) {
    try {
      for (const { node, line } of await parseStatements(piece.sql)) walker.statement(node, lineIn(piece, line));
    } catch (error) {
      if (!(error instanceof SqlSyntaxError)) throw error;
      walker.syntaxError(lineIn(piece, error.line), error.message);
    }
  }
  return walker.result();
}

// `line` counts from 1 within the piece
function lineIn(piece: SqlPiece, line: number): number {
  return piece.verbatim ? piece.line + line - 1 : piece.line;
}

class StatementWalker {
  /** the line of the statement being walked */
  private line = 1;
  private readonly findings: LintFinding[] = [];
  private readonly tables: Set<string>;
  private readonly checks: Map<string, NotNullCheck>;
  /** tables these statements created: new and empty, so nothing on them is flagged */
  private readonly newTables = new Set<string>();
  private readonly newColumns = new Set<string>();
  /** NOT VALID constraints added here on existing tables, by "schema.table/constraint" */
  private readonly notValidAdded = new Set<string>();
  private readonly context: SqlLintContext;

  constructor(context: SqlLintContext) {
    this.context = context;
    this.tables = new Set(context.before.tables);
    this.checks = new Map(context.before.notNullChecks);
  }

  syntaxError(line: number, message: string): void {
    this.line = line;
    this.report('syntax-error', message);
  }

  result(): SqlLint {
    return {
      findings: this.findings,
      after: { tables: this.tables, notNullChecks: this.checks },
      created: { tables: this.newTables, columns: this.newColumns },
    };
  }

  statement(node: Node, line: number): void {
    this.line = line;
    if ('CreateStmt' in node) this.create(node.CreateStmt.relation, node.CreateStmt.if_not_exists);
    else if ('CreateTableAsStmt' in node)
      this.create(node.CreateTableAsStmt.into?.rel, node.CreateTableAsStmt.if_not_exists);
    else if ('IndexStmt' in node) this.index(node.IndexStmt);
    else if ('AlterTableStmt' in node && node.AlterTableStmt.objtype === 'OBJECT_TABLE') {
      const { relation, cmds = [] } = node.AlterTableStmt;
      for (const cmd of cmds) if (relation && 'AlterTableCmd' in cmd) this.alter(relation, cmd.AlterTableCmd);
    } else if ('DropStmt' in node && node.DropStmt.removeType === 'OBJECT_TABLE') {
      for (const object of node.DropStmt.objects ?? [])
        if ('List' in object) this.dropTable(strings(object.List.items));
    } else if ('RenameStmt' in node) this.rename(node.RenameStmt);
    else if ('UpdateStmt' in node) this.update(node.UpdateStmt);
  }

  private update({ relation, whereClause }: UpdateStmt): void {
    if (!relation || whereClause || this.newTables.has(tableName(relation))) return;
    this.report('update-whole-table', `UPDATE of every row of existing table ${shown(relation)}`);
  }

  private report(rule: RuleId, message: string): void {
    this.findings.push(finding(rule, this.context.file, this.line, message));
  }

  private create(relation: RangeVar | undefined, ifNotExists = false): void {
    if (!relation) return;
    const table = tableName(relation);
    // IF NOT EXISTS on a table that is already there creates nothing.
    if (!ifNotExists || !this.tables.has(table)) this.newTables.add(table);
    this.tables.add(table);
  }

  private index(stmt: IndexStmt): void {
    if (!stmt.relation || stmt.concurrent || this.newTables.has(tableName(stmt.relation))) return;
    const index = stmt.idxname ? `CREATE INDEX ${stmt.idxname}` : 'CREATE INDEX';
    this.report('index-not-concurrent', `${index} on existing table ${shown(stmt.relation)} without CONCURRENTLY`);
  }

  private alter(relation: RangeVar, cmd: AlterTableCmd): void {
    const table = tableName(relation);
    const name = shown(relation);
    const existing = !this.newTables.has(table);
    const column = cmd.name ?? '';
    switch (cmd.subtype) {
      case 'AT_AddColumn':
        if (cmd.def && 'ColumnDef' in cmd.def)
          this.addColumn(
            table,
            name,
            cmd.def.ColumnDef.colname ?? '',
            constraints(cmd.def.ColumnDef.constraints),
            cmd.missing_ok === true,
          );
        return;
      case 'AT_AlterColumnType':
        if (existing) this.report('alter-column-type', `column ${column} of existing table ${name} changes type`);
        return;
      case 'AT_SetNotNull':
        if (existing && !this.provenNotNull(table, column))
          this.report(
            'set-not-null-without-check',
            `column ${column} of existing table ${name} is set NOT NULL without a validated CHECK (${column} IS NOT NULL)`,
          );
        return;
      case 'AT_AddConstraint':
        if (cmd.def && 'Constraint' in cmd.def) this.addConstraint(table, name, existing, cmd.def.Constraint);
        return;
      case 'AT_ValidateConstraint':
        this.validate(table, name, column);
        return;
      case 'AT_DropConstraint':
        this.checks.delete(`${table}/${column}`);
        return;
      case 'AT_DropColumn':
        this.dropColumn(table, name, column);
        return;
    }
  }

  private addColumn(table: string, name: string, column: string, defined: Constraint[], ifNotExists: boolean): void {
    if (!ifNotExists) this.newColumns.add(`${table}.${column}`);
    if (this.newTables.has(table)) return;
    const kinds = new Set(defined.map((c) => c.contype));
    const generated = kinds.has('CONSTR_GENERATED') || kinds.has('CONSTR_IDENTITY');
    if (ifNotExists && generated)
      this.report(
        'add-column-if-not-exists-generated',
        `column ${column} is added to existing table ${name} with IF NOT EXISTS and GENERATED: it does nothing if ${column} exists`,
      );
    if (kinds.has('CONSTR_NOTNULL') && !kinds.has('CONSTR_DEFAULT') && !generated)
      this.report(
        'add-column-not-null-no-default',
        `column ${column} is added to existing table ${name} as NOT NULL without a DEFAULT`,
      );
    for (const c of defined) {
      if (c.contype === 'CONSTR_FOREIGN' || c.contype === 'CONSTR_CHECK')
        this.report(
          'constraint-not-valid',
          `column ${column} is added to existing table ${name} with a ${kind(c)}, which cannot be NOT VALID there`,
        );
    }
  }

  private addConstraint(table: string, name: string, existing: boolean, c: Constraint): void {
    const key = `${table}/${c.conname ?? ''}`;
    if (c.contype === 'CONSTR_FOREIGN' || c.contype === 'CONSTR_CHECK') {
      if (existing && !c.skip_validation)
        this.report(
          'constraint-not-valid',
          `${kind(c)}${c.conname ? ` ${c.conname}` : ''} is added to existing table ${name} without NOT VALID`,
        );
      if (existing && c.skip_validation && c.conname) this.notValidAdded.add(key);
      const column = notNullColumn(c.raw_expr);
      if (column && c.conname) this.checks.set(key, { table, column, validated: !c.skip_validation });
    } else if (c.contype === 'CONSTR_NOTNULL' && existing && !c.skip_validation) {
      // PostgreSQL 18's ADD CONSTRAINT … NOT NULL col scans like SET NOT NULL
      const [column = ''] = strings(c.keys);
      if (!this.provenNotNull(table, column))
        this.report(
          'set-not-null-without-check',
          `column ${column} of existing table ${name} gets a NOT NULL constraint without a validated CHECK (${column} IS NOT NULL)`,
        );
    }
  }

  private validate(table: string, name: string, constraint: string): void {
    const key = `${table}/${constraint}`;
    if (this.context.transaction && this.notValidAdded.has(key))
      this.report(
        'constraint-not-valid',
        `constraint ${constraint} of ${name} is validated in the transaction that added it, so the add's lock is held during the scan`,
      );
    const check = this.checks.get(key);
    if (check) this.checks.set(key, { ...check, validated: true });
  }

  private provenNotNull(table: string, column: string): boolean {
    return [...this.checks.values()].some((c) => c.table === table && c.column === column && c.validated);
  }

  private dropColumn(table: string, name: string, column: string): void {
    if (this.newTables.has(table) || this.newColumns.has(`${table}.${column}`)) return;
    const { undoing } = this.context;
    if (!undoing) this.report('drop-column', `column ${column} of existing table ${name} is dropped`);
    else if (!undoing.tables.has(table) && !undoing.columns.has(`${table}.${column}`))
      this.report('down-drops-not-created', `down drops column ${column} of ${name}, which its up did not create`);
  }

  private dropTable(parts: string[]): void {
    const table = tableName(parts);
    const wasNew = this.newTables.delete(table);
    this.tables.delete(table);
    for (const [key, check] of this.checks) if (check.table === table) this.checks.delete(key);
    if (wasNew) return;
    const name = parts.join('.');
    if (!this.context.undoing) this.report('drop-table', `existing table ${name} is dropped`);
    else if (!this.context.undoing.tables.has(table))
      this.report('down-drops-not-created', `down drops table ${name}, which its up did not create`);
  }

  private rename(stmt: RenameStmt): void {
    if (!stmt.relation) return;
    const table = tableName(stmt.relation);
    const existing = !this.newTables.has(table);
    if (stmt.renameType === 'OBJECT_TABLE') {
      if (existing) this.report('rename-table', `existing table ${shown(stmt.relation)} is renamed to ${stmt.newname}`);
      const renamed = `${table.slice(0, table.lastIndexOf('.'))}.${stmt.newname}`;
      if (this.tables.delete(table)) this.tables.add(renamed);
      if (this.newTables.delete(table)) this.newTables.add(renamed);
    } else if (stmt.renameType === 'OBJECT_COLUMN' && stmt.relationType === 'OBJECT_TABLE' && existing) {
      this.report(
        'rename-column',
        `column ${stmt.subname} of existing table ${shown(stmt.relation)} is renamed to ${stmt.newname}`,
      );
    }
  }
}

function shown(relation: RangeVar): string {
  return relation.schemaname ? `${relation.schemaname}.${relation.relname}` : (relation.relname ?? '');
}

function constraints(nodes: Node[] = []): Constraint[] {
  return nodes.flatMap((node) => ('Constraint' in node ? [node.Constraint] : []));
}

function kind(c: Constraint): string {
  return c.contype === 'CONSTR_FOREIGN' ? 'foreign key' : 'CHECK constraint';
}

/** The column of a `CHECK (col IS NOT NULL)`, which lets SET NOT NULL skip its scan once validated. */
function notNullColumn(expr: Node | undefined): string | undefined {
  if (!expr || !('NullTest' in expr) || expr.NullTest.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const arg = expr.NullTest.arg;
  if (!arg || !('ColumnRef' in arg)) return undefined;
  const fields = strings(arg.ColumnRef.fields);
  return fields.length === 1 ? fields[0] : undefined;
}
