// A planned migration as the TypeScript module `create` would have started:
// one pgm.sql per statement, so `lint` and `plan` point at each one.
import type { PlannedMigration } from './planned-migration.ts';

interface Acceptance {
  rule: string;
  reason: string;
}

const templateLiteral = (sql: string): string =>
  `\`${sql.replaceAll('\\', '\\\\').replaceAll('`', '\\`').replaceAll('${', '\\${')}\``;

function body(migration: PlannedMigration, statements: readonly string[]): string {
  const lines = [
    ...(migration.transaction ? [] : ['  pgm.noTransaction();']),
    ...statements.map((statement) => `  pgm.sql(${templateLiteral(statement)});`),
  ];
  return lines.join('\n');
}

export function migrationSource(
  migration: PlannedMigration,
  change: string,
  acceptances: readonly Acceptance[] = [],
): string {
  return [
    `// ${change}: ${migration.about}.`,
    '// Written by `mnemolite-migrate diff` and proven on a scratch database (up, then down); review it before committing.',
    ...acceptances.map(({ rule, reason }) => `// lint-accept: ${rule} ${reason.replace(/\s+/g, ' ').trim()}`),
    "import type { MigrationBuilder } from 'node-pg-migrate';",
    '',
    'export function up(pgm: MigrationBuilder): void {',
    body(migration, migration.up),
    '}',
    '',
    'export function down(pgm: MigrationBuilder): void {',
    body(migration, migration.down),
    '}',
    '',
  ].join('\n');
}
