// memories: the MCP's persistent memories, scoped by project, searched by embedding (hand-run
// v7_to_v8_create_memories_table.sql). Its HNSW index follows, built concurrently.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/migrations/v7_to_v8_create_memories_table.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE TABLE memories (
      id UUID NOT NULL DEFAULT gen_random_uuid(),
      title TEXT NOT NULL,
      content TEXT NOT NULL,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      memory_type VARCHAR(50) NOT NULL DEFAULT 'note',
      tags TEXT[] DEFAULT ARRAY[]::text[],
      author VARCHAR(100),
      project_id UUID,
      embedding VECTOR(768),
      embedding_model VARCHAR(100) DEFAULT 'nomic-embed-text-v1.5',
      related_chunks UUID[] DEFAULT ARRAY[]::uuid[],
      resource_links JSONB DEFAULT '[]'::jsonb,
      deleted_at TIMESTAMPTZ,
      metadata JSONB DEFAULT '{}'::jsonb,
      CONSTRAINT memories_pkey PRIMARY KEY (id),
      CONSTRAINT chk_memory_type CHECK (memory_type IN ('note', 'decision', 'task', 'reference', 'conversation')),
      CONSTRAINT chk_content_not_empty CHECK (char_length(content) > 0),
      CONSTRAINT chk_title_not_empty CHECK (char_length(title) > 0),
      CONSTRAINT unique_title_per_project UNIQUE (title, project_id)
    );
    CREATE INDEX idx_memories_created_at ON memories (created_at DESC);
    -- partial: global memories (no project) are not indexed
    CREATE INDEX idx_memories_project_id ON memories (project_id) WHERE project_id IS NOT NULL;
    CREATE INDEX idx_memories_type ON memories (memory_type);
    CREATE INDEX idx_memories_tags ON memories USING gin (tags);
    CREATE INDEX idx_memories_deleted_at ON memories (deleted_at) WHERE deleted_at IS NULL;
    CREATE INDEX idx_memories_related_chunks ON memories USING gin (related_chunks);

    COMMENT ON TABLE memories IS 'EPIC-23 Story 23.3: Persistent memory storage for MCP with project scoping and semantic search';
    COMMENT ON COLUMN memories.id IS 'Unique memory identifier (UUID v4)';
    COMMENT ON COLUMN memories.title IS 'Short memory title (max 200 chars recommended)';
    COMMENT ON COLUMN memories.content IS 'Full memory content (plain text or markdown)';
    COMMENT ON COLUMN memories.memory_type IS 'Classification: note, decision, task, reference, conversation';
    COMMENT ON COLUMN memories.tags IS 'User-defined tags for filtering (PostgreSQL array)';
    COMMENT ON COLUMN memories.author IS 'Optional author attribution (e.g., "Claude", "User", "System")';
    COMMENT ON COLUMN memories.project_id IS 'NULL = global memory, UUID = project-scoped memory';
    COMMENT ON COLUMN memories.embedding IS 'Semantic embedding vector (768D, nomic-embed-text-v1.5)';
    COMMENT ON COLUMN memories.embedding_model IS 'Model name used for embedding generation';
    COMMENT ON COLUMN memories.related_chunks IS 'Array of code_chunks.id for linking memories to code';
    COMMENT ON COLUMN memories.resource_links IS 'MCP 2025-06-18 resource links: [{"uri": "code://chunk/...", "type": "related"}]';
    COMMENT ON COLUMN memories.deleted_at IS 'Soft delete: NULL = active, TIMESTAMPTZ = deleted';
    COMMENT ON COLUMN memories.metadata IS 'Legacy compatibility field (for future events→memories migration)';
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql('DROP TABLE memories');
}
