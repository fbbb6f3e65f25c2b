// When each MnemoLite file a migration stands for was published (its commit in
// giak/mnemo-lite, and the day): a database carries the files of the day it was
// first started, so a refusal can say which day's files would have made a form.
const PUBLISHED: Record<string, string> = {
  // db/init took the form the chain has (vector(768), these comments) on 2025-10-12; 04 came later
  'db/init/01-extensions.sql': '2b75881 (2025-10-12)',
  'db/init/01-init.sql': '2b75881 (2025-10-12)',
  'db/init/03-monitoring-views.sql': '2b75881 (2025-10-12)',
  'db/init/04-indexing-errors.sql': 'd1acec1 (2025-11-03)',
  'db/migrations/008_create_indexing_errors_table.sql': 'd1acec1 (2025-11-03)',
  'db/migrations/v2_to_v3.sql': '10efb31 (2025-10-20)',
  'db/migrations/v3_to_v4.sql': 'd3e9dda (2025-10-20)',
  'db/migrations/v4_to_v5_performance_indexes.sql': '7a9b7cb (2025-10-21)',
  'db/migrations/v5_to_v6_error_tracking.sql': '05d7797 (2025-10-22)',
  'db/migrations/v5_to_v6_metrics_table.sql': 'da4975f (2025-10-29)',
  'db/migrations/v6_to_v7_alerts_table.sql': 'da4975f (2025-10-29)',
  'db/migrations/v7_to_v8_create_memories_table.sql': 'af87d4e (2025-10-29)',
  'db/migrations/v8_to_v9_add_node_name_field.sql': '69a52e3 (2025-11-01)',
  'db/migrations/v9_to_v10_rich_metadata.sql': 'c79727b (2025-11-02)',
  'db/migrations/v8_to_v9_create_projects_table.sql': '66907b2 (2025-11-12)',
  'db/migrations/v9_to_v10_add_trgm_index_memories.sql': 'fe5bd9b (2025-11-25)',
  'db/migrations/v8_to_v9_add_embedding_source.sql': '584086f (2026-03-13)',
  'api/alembic/versions/20251015_2029-9dde1f9db172_baseline_existing_events_table.py': '8509181 (2025-10-16)',
  'api/alembic/versions/20251016_0816-a40a6de7d379_add_code_chunks_table_with_dual_.py': '467bf23 (2025-10-16)',
  'api/alembic/versions/20260326_2245-b7c2e4f8a901_add_halfvec_embeddings_to_code_chunks.py': 'b18ddae (2026-03-26)',
  'api/alembic/versions/20260327_2315-c4d7f2a8e102_add_consumption_tracking_to_memories.py': '5ee1740 (2026-03-27)',
  'api/alembic/versions/20260327_2350-e5a8b3c9d203_add_memory_decay_config.py': '2da211b (2026-03-27)',
  'api/alembic/versions/20260401_0900-f1a2b3c4d506_add_protocol_trace_decay_presets.py': 'fc020f3 (2026-04-01)',
  'api/alembic/versions/20260402_1000-a1b2c3d4e5f6_add_code_chunks_metadata_indexes.py': 'f120081 (2026-04-02)',
  'api/alembic/versions/20260402_1100-b2c3d4e5f6a7_add_memories_content_trigram_index.py': '2a929cf (2026-04-02)',
  'api/alembic/versions/20260402_1200-c3d4e5f6a7b8_add_alert_rules_table.py': '5e3cbba (2026-04-02)',
  // its first version (0ab5162, the same day) cannot have run: jsonb_path_ops on a json column
  'api/alembic/versions/20260403_0000_add_entity_extraction_columns.py': '4537358 (2026-04-03)',
  'api/alembic/versions/20260404_0000_add_memory_relationships.py': '600391f (2026-04-04)',
  'api/alembic/versions/20260410_0000_add_outcome_tracking.py': '3424eb0 (2026-04-10)',
};

/** `db/migrations/v3_to_v4.sql, MnemoLite d3e9dda (2025-10-20)` for each source; unknown files as they are. */
export function describeSources(sources: readonly string[]): string {
  return sources.map((source) => (PUBLISHED[source] ? `${source}, MnemoLite ${PUBLISHED[source]}` : source)).join('; ');
}
