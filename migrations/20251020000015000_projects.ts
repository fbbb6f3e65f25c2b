// projects, with MnemoLite's own project as its first row, and memories.project_id pointing at it (hand-run
// v8_to_v9_create_projects_table.sql). The foreign key is added NOT VALID; the next migration validates it.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/migrations/v8_to_v9_create_projects_table.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE TABLE projects (
      id UUID NOT NULL DEFAULT gen_random_uuid(),
      name TEXT NOT NULL,
      display_name TEXT NOT NULL,
      description TEXT,
      repository_path TEXT,
      project_type TEXT DEFAULT 'application',
      status TEXT DEFAULT 'active',
      created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now(),
      updated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now(),
      CONSTRAINT projects_pkey PRIMARY KEY (id),
      CONSTRAINT projects_name_key UNIQUE (name),
      CONSTRAINT projects_status_check CHECK (status IN ('active', 'archived'))
    );
    CREATE INDEX idx_projects_name ON projects (name);
    CREATE INDEX idx_projects_status ON projects (status);
    CREATE INDEX idx_projects_name_status ON projects (name, status);

    INSERT INTO projects (name, display_name, description, repository_path, project_type, status)
    VALUES ('mnemolite', 'MnemoLite', 'PostgreSQL 18 Cognitive Memory + Code Intelligence System', '/home/giak/Work/MnemoLite', 'application', 'active')
    ON CONFLICT (name) DO NOTHING;

    ALTER TABLE memories ADD CONSTRAINT fk_memories_project FOREIGN KEY (project_id) REFERENCES projects (id) NOT VALID;
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`
    ALTER TABLE memories DROP CONSTRAINT fk_memories_project;
    DROP TABLE projects;
  `);
}
