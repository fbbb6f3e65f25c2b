// Loads migration modules only to read what they declare (`adopt`), through the
// same jiti loader node-pg-migrate uses. Never on the no-op path: it is slow.
import { extname } from 'node:path';
import { ConfigError } from './errors.ts';
import type { MigrationFile } from './migration-files.ts';
import type { SchemaExpectation } from './schema-expectations.ts';

/** What a migration may export as `adopt`: how an existing database already holding its objects is recognised. */
export interface Adoption {
  /** the Alembic revision this migration replaces */
  alembicRevision?: string;
  /** what must be there to record this migration without running it */
  expects?: SchemaExpectation;
}

export async function readAdoption(file: MigrationFile): Promise<Adoption | undefined> {
  if (extname(file.path).toLowerCase() === '.sql') return undefined; // SQL files cannot declare anything
  const { jiti } = await import('node-pg-migrate');
  let module: { adopt?: Adoption };
  try {
    module = await jiti.import<{ adopt?: Adoption }>(file.path);
  } catch (error) {
    throw new ConfigError(`migration ${file.name} does not load: ${(error as Error).message.split('\n')[0]}`);
  }
  return module.adopt;
}
