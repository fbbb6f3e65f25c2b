// memory_relationships: scored links between two memories, with what they share (Alembic 20260404_0000).
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = {
  alembic: ['20260404_0000'],
  sources: ['api/alembic/versions/20260404_0000_add_memory_relationships.py'],
};

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE TABLE memory_relationships (
      id UUID NOT NULL DEFAULT gen_random_uuid(),
      source_id UUID NOT NULL,
      target_id UUID NOT NULL,
      score DOUBLE PRECISION NOT NULL DEFAULT '0'::double precision,
      shared_entities JSONB DEFAULT '[]'::jsonb,
      shared_concepts JSONB DEFAULT '[]'::jsonb,
      shared_tags JSONB DEFAULT '[]'::jsonb,
      relationship_types TEXT[] DEFAULT '{}'::text[],
      created_at TIMESTAMPTZ DEFAULT now(),
      CONSTRAINT memory_relationships_pkey PRIMARY KEY (id),
      CONSTRAINT memory_relationships_source_id_fkey FOREIGN KEY (source_id) REFERENCES memories (id) ON DELETE CASCADE,
      CONSTRAINT memory_relationships_target_id_fkey FOREIGN KEY (target_id) REFERENCES memories (id) ON DELETE CASCADE,
      CONSTRAINT chk_no_self_loops CHECK (source_id <> target_id),
      CONSTRAINT chk_score_range CHECK (score >= 0.0 AND score <= 1.0),
      CONSTRAINT uq_source_target UNIQUE (source_id, target_id)
    );
    CREATE INDEX idx_mem_rel_source ON memory_relationships (source_id);
    CREATE INDEX idx_mem_rel_target ON memory_relationships (target_id);
    CREATE INDEX idx_mem_rel_source_score ON memory_relationships (source_id, score DESC);
    CREATE INDEX idx_mem_rel_shared_entities ON memory_relationships USING gin (shared_entities jsonb_path_ops);
    CREATE INDEX idx_mem_rel_shared_concepts ON memory_relationships USING gin (shared_concepts jsonb_path_ops);
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql('DROP TABLE memory_relationships');
}
