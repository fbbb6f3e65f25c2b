#!/usr/bin/env bash
# scripts/mnemolite-fixtures.sh - regenerate test/fixtures/mnemolite/: one SQL file per real MnemoLite database state
# (schema + rows in every table) and its catalog listing. Each state is built by MnemoLite's own, unmodified files and
# Alembic through ../shared/mnemolite-real/build.sh at the MnemoLite commit of the day that database was first started,
# then, for a database upgraded later, the hand-run files published since and Alembic at a later commit; it is seeded
# by the rows below and dumped with pg_dump inside the server container (the server is PostgreSQL 17; the host's
# pg_dump may be older). Not run in CI.
# Needs: MNEMO_MIRROR (git dir of giak/mnemo-lite, see ../shared/mnemolite-real/README.md), a Docker engine
# (DOCKER_HOST) and the image local/pgvector-partman:pg17. Starts container fixtures-pg on 127.0.0.1:55630 and
# removes it at the end. Usage: scripts/mnemolite-fixtures.sh [STATE...] (from anywhere; no STATE: all of them).
set -Eeuo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REAL=$ROOT/../shared/mnemolite-real
OUT=${FIXTURES_OUT:-$ROOT/test/fixtures/mnemolite}
IMAGE=local/pgvector-partman:pg17 NAME=fixtures-pg PORT=55630
[ -n "${MNEMO_MIRROR:-}" ] || { echo "set MNEMO_MIRROR to the git dir of giak/mnemo-lite" >&2; exit 2; }
[ -x "$REAL/build.sh" ] || { echo "missing $REAL/build.sh" >&2; exit 2; }
HEAD_COMMIT=$(git -c safe.directory='*' -C "$MNEMO_MIRROR" rev-parse "${MNEMO_REF:-HEAD}^{commit}")

# state name, the MnemoLite commit the database was first started at (HEAD: the mirror's), the build.sh environment
# and revision that build it, then what its operator ran later (`;`-separated): `sql COMMIT FILE...` runs hand-run
# files as published at COMMIT with psql's default ON_ERROR_STOP=off (as an operator ran them: a failing statement
# is reported and the file goes on), `alembic COMMIT REV` runs `alembic upgrade REV` with the Alembic of COMMIT.
STATES=(
  "compose-half         HEAD    MNEMO_INIT_MODE=compose init"
  "init                 HEAD    MNEMO_INIT_MODE=main init"
  "9dde1f9db172         HEAD    MNEMO_HANDSQL=auto 9dde1f9db172"
  "a40a6de7d379         HEAD    MNEMO_HANDSQL=none a40a6de7d379"
  "a40a6de7d379+handsql HEAD    MNEMO_HANDSQL=all a40a6de7d379"
  "b7c2e4f8a901         HEAD    MNEMO_HANDSQL=auto b7c2e4f8a901"
  "c4d7f2a8e102         HEAD    MNEMO_HANDSQL=auto c4d7f2a8e102"
  "e5a8b3c9d203         HEAD    MNEMO_HANDSQL=auto e5a8b3c9d203"
  "f1a2b3c4d506         HEAD    MNEMO_HANDSQL=auto f1a2b3c4d506"
  "a1b2c3d4e5f6         HEAD    MNEMO_HANDSQL=auto a1b2c3d4e5f6"
  "b2c3d4e5f6a7         HEAD    MNEMO_HANDSQL=auto b2c3d4e5f6a7"
  "c3d4e5f6a7b8         HEAD    MNEMO_HANDSQL=auto c3d4e5f6a7b8"
  "20260403_0000        HEAD    MNEMO_HANDSQL=auto 20260403_0000"
  "20260404_0000        HEAD    MNEMO_HANDSQL=auto 20260404_0000"
  "20260410_0000        HEAD    MNEMO_HANDSQL=auto 20260410_0000"
  "compose-head         HEAD    MNEMO_INIT_MODE=compose head"
)
# Earlier days (docs/mnemolite-history.md): a fresh install at a commit, with none or all of that day's hand-run
# files, at that day's Alembic head; and databases first started on an earlier day, then upgraded. A state whose dump
# equals another's is left out: the seed's database upgraded in name order (8509181, then `alembic upgrade
# a40a6de7d379`, every hand-run file, Alembic to head) dumps exactly as 20260410_0000 (2026-12-05).
LATER_FILES="v9_to_v10_rich_metadata.sql 008_create_indexing_errors_table.sql v8_to_v9_create_projects_table.sql"
LATER_FILES+=" v9_to_v10_add_trgm_index_memories.sql v8_to_v9_add_embedding_source.sql"
STATES+=(
  "2b75881              2b75881 MNEMO_INIT_MODE=main init"
  "8509181              8509181 MNEMO_HANDSQL=none head"
  "467bf23              467bf23 MNEMO_HANDSQL=none head"
  "d3e9dda+handsql      d3e9dda MNEMO_HANDSQL=all head"
  "7a9b7cb+handsql      7a9b7cb MNEMO_HANDSQL=all head"
  "05d7797+handsql      05d7797 MNEMO_HANDSQL=all head"
  "da4975f+handsql      da4975f MNEMO_HANDSQL=all head"
  "af87d4e+handsql      af87d4e MNEMO_HANDSQL=all head"
  "69a52e3+handsql      69a52e3 MNEMO_HANDSQL=all head"
  "c79727b+handsql      c79727b MNEMO_HANDSQL=all head"
  "d1acec1+handsql      d1acec1 MNEMO_HANDSQL=all head"
  "66907b2+handsql      66907b2 MNEMO_HANDSQL=all head"
  "fe5bd9b+handsql      66907b2 MNEMO_HANDSQL=all head;sql fe5bd9b v9_to_v10_add_trgm_index_memories.sql"
  "69a52e3+handsql..head 69a52e3 MNEMO_HANDSQL=all head;sql HEAD $LATER_FILES;alembic HEAD head"
  "head-without-trgm    HEAD    MNEMO_HANDSQL=none a40a6de7d379;sql HEAD -v9_to_v10_add_trgm_index_memories.sql;alembic HEAD head"
)
# The rows. pg_temp.seed(table, rows) inserts each JSON object's keys that are columns of the table at this state
# (columns added later are left to their defaults, tables not there yet are skipped), so one list serves every state.
# MnemoLite's own seed rows stay; their random ids and now() timestamps are pinned so that reruns give the same files.
SEED=$(cat <<'SQL'
\set ON_ERROR_STOP on
CREATE FUNCTION pg_temp.seed(tbl text, rows jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE r jsonb; cols text;
BEGIN
  IF to_regclass('public.' || quote_ident(tbl)) IS NULL THEN RETURN; END IF;
  FOR r IN SELECT value FROM jsonb_array_elements(rows) LOOP
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols FROM pg_attribute a
     WHERE a.attrelid = ('public.' || quote_ident(tbl))::regclass AND a.attnum > 0 AND NOT a.attisdropped
       AND a.attgenerated = '' AND r ? a.attname;
    EXECUTE format('INSERT INTO public.%I (%s) SELECT %s FROM jsonb_populate_record(NULL::public.%I, $1)', tbl, cols, cols, tbl) USING r;
  END LOOP;
END $$;
-- a deterministic 768-d embedding, components rounded to 3 places (text form, cast by the column type)
CREATE FUNCTION pg_temp.vec(k int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT '[' || string_agg(round((sin(k * 1000 + i) * 0.07)::numeric, 3)::text, ',' ORDER BY i) || ']' FROM generate_series(1, 768) i $$;

DO $$ BEGIN
  IF to_regclass('public.projects') IS NOT NULL THEN
    UPDATE projects SET id = '00000000-0000-4000-8000-00000000a001', created_at = '2025-10-21 09:00:00', updated_at = '2025-10-21 09:00:00' WHERE name = 'mnemolite';
  END IF;
  IF to_regclass('public.memory_decay_config') IS NOT NULL THEN
    UPDATE memory_decay_config SET created_at = '2026-03-28 00:00:00+00', updated_at = '2026-03-28 00:00:00+00';
  END IF;
  IF to_regclass('public.alert_rules') IS NOT NULL THEN
    UPDATE alert_rules SET id = md5('alert_rules/' || name)::uuid, created_at = '2026-04-02 12:00:00+00', updated_at = '2026-04-02 12:00:00+00';
  END IF;
END $$;

SELECT pg_temp.seed('events', jsonb_build_array(
  jsonb_build_object('id', '00000000-0000-4000-8000-00000000e001', 'timestamp', '2025-10-01 08:15:00+00',
    'content', '{"type": "conversation", "role": "user", "text": "How do I reindex the code chunks of a repository?"}'::jsonb,
    'embedding', pg_temp.vec(1), 'metadata', '{"source": "mcp", "session_id": "s-1042", "tags": ["indexing"]}'::jsonb),
  jsonb_build_object('id', '00000000-0000-4000-8000-00000000e002', 'timestamp', '2025-10-01 08:16:30+00',
    'content', '{"type": "conversation", "role": "assistant", "text": "Run the indexing endpoint with the repository name."}'::jsonb,
    'embedding', pg_temp.vec(2), 'metadata', '{"source": "mcp", "session_id": "s-1042"}'::jsonb),
  jsonb_build_object('id', '00000000-0000-4000-8000-00000000e003', 'timestamp', '2025-10-02 17:40:00+00',
    'content', '{"type": "log", "level": "info", "text": "nightly consolidation finished"}'::jsonb,
    'embedding', NULL, 'metadata', '{}'::jsonb)));

SELECT pg_temp.seed('nodes', jsonb_build_array(
  jsonb_build_object('node_id', '00000000-0000-4000-8000-00000000b001', 'node_type', 'function', 'label', 'chunk_file',
    'properties', '{"chunk_id": "00000000-0000-4000-8000-00000000c001", "name": "chunk_file", "node_type": "function", "file_path": "api/services/code_chunking_service.py", "repository": "mnemolite", "language": "python"}'::jsonb,
    'created_at', '2025-10-20 10:00:00+00'),
  jsonb_build_object('node_id', '00000000-0000-4000-8000-00000000b002', 'node_type', 'class', 'label', 'CodeChunkRepository',
    'properties', '{"chunk_id": "00000000-0000-4000-8000-00000000c002", "name": "CodeChunkRepository", "node_type": "class", "file_path": "api/db/repositories/code_chunk_repository.py", "repository": "mnemolite", "language": "python"}'::jsonb,
    'created_at', '2025-10-20 10:00:01+00'),
  jsonb_build_object('node_id', '00000000-0000-4000-8000-00000000b003', 'node_type', 'module', 'label', 'utils.ts',
    'properties', '{"name": "utils.ts", "node_type": "module", "file_path": "frontend/src/utils.ts", "repository": "demo-app", "language": "typescript"}'::jsonb,
    'created_at', '2025-10-20 10:00:02+00')));

SELECT pg_temp.seed('edges', jsonb_build_array(
  jsonb_build_object('edge_id', '00000000-0000-4000-8000-00000000ed01', 'source_node_id', '00000000-0000-4000-8000-00000000b002',
    'target_node_id', '00000000-0000-4000-8000-00000000b001', 'relation_type', 'calls',
    'properties', '{"call_sites": [42, 77], "confidence": 0.9}'::jsonb, 'created_at', '2025-10-20 10:01:00+00', 'weight', 2.0, 'is_external', false),
  jsonb_build_object('edge_id', '00000000-0000-4000-8000-00000000ed02', 'source_node_id', '00000000-0000-4000-8000-00000000b003',
    'target_node_id', '00000000-0000-4000-8000-00000000b001', 'relation_type', 'imports',
    'properties', '{"module": "lodash"}'::jsonb, 'created_at', '2025-10-20 10:01:01+00', 'weight', 1.0, 'is_external', true)));

SELECT pg_temp.seed('indexing_errors', jsonb_build_array(
  jsonb_build_object('repository', 'demo-app', 'file_path', 'frontend/src/legacy.js', 'error_type', 'parsing_error',
    'error_message', 'Unexpected token at line 12', 'error_traceback', 'Traceback (most recent call last):\n  File "parser.py", line 88, in parse\nSyntaxError',
    'chunk_type', 'function', 'language', 'javascript', 'occurred_at', '2025-11-04 14:30:00'),
  jsonb_build_object('repository', 'mnemolite', 'file_path', 'api/big_file.py', 'error_type', 'embedding_error',
    'error_message', 'embedding service timeout after 30s', 'error_traceback', NULL,
    'chunk_type', 'class', 'language', 'python', 'occurred_at', '2025-11-04 14:31:00')));

SELECT pg_temp.seed('code_chunks', jsonb_build_array(
  jsonb_build_object('id', '00000000-0000-4000-8000-00000000c001', 'file_path', 'api/services/code_chunking_service.py',
    'language', 'python', 'chunk_type', 'function', 'name', 'chunk_file',
    'source_code', E'def chunk_file(path: str) -> list[str]:\n    return split(read(path))\n', 'start_line', 10, 'end_line', 11,
    'embedding_text', pg_temp.vec(11), 'embedding_code', pg_temp.vec(12),
    'metadata', jsonb_build_object('repository', 'mnemolite', 'return_type', 'list[str]', 'complexity', 1,
      'content_hash', md5(E'def chunk_file(path: str) -> list[str]:\n    return split(read(path))\n')),
    'indexed_at', '2025-10-20 10:00:00+00', 'last_modified', '2025-10-19 18:00:00+00', 'node_id', '00000000-0000-4000-8000-00000000b001',
    'repository', 'mnemolite', 'commit_hash', '3f2a9c1d', 'name_path', 'code_chunking_service.chunk_file'),
  jsonb_build_object('id', '00000000-0000-4000-8000-00000000c002', 'file_path', 'api/db/repositories/code_chunk_repository.py',
    'language', 'python', 'chunk_type', 'class', 'name', 'CodeChunkRepository',
    'source_code', E'class CodeChunkRepository:\n    def __init__(self, engine):\n        self.engine = engine\n', 'start_line', 1, 'end_line', 3,
    'embedding_text', pg_temp.vec(13), 'embedding_code', pg_temp.vec(14),
    'metadata', jsonb_build_object('repository', 'mnemolite', 'complexity', 2,
      'content_hash', md5(E'class CodeChunkRepository:\n    def __init__(self, engine):\n        self.engine = engine\n')),
    'indexed_at', '2025-10-20 10:00:01+00', 'last_modified', '2025-10-19 18:00:00+00', 'node_id', '00000000-0000-4000-8000-00000000b002',
    'repository', 'mnemolite', 'commit_hash', '3f2a9c1d', 'name_path', 'code_chunk_repository.CodeChunkRepository'),
  jsonb_build_object('id', '00000000-0000-4000-8000-00000000c003', 'file_path', 'frontend/src/utils.ts',
    'language', 'typescript', 'chunk_type', 'function', 'name', 'debounce',
    'source_code', 'export const debounce = (f: () => void) => setTimeout(f, 50);', 'start_line', 1, 'end_line', 1,
    'embedding_text', NULL, 'embedding_code', NULL, 'metadata', '{"repository": "demo-app", "return_type": "number"}'::jsonb,
    'indexed_at', '2025-10-20 10:00:02+00', 'last_modified', NULL, 'node_id', '00000000-0000-4000-8000-00000000b003',
    'repository', 'demo-app', 'commit_hash', NULL, 'name_path', 'utils.debounce')));

SELECT pg_temp.seed('projects', jsonb_build_array(
  jsonb_build_object('id', '00000000-0000-4000-8000-00000000a002', 'name', 'demo-app', 'display_name', 'Demo App',
    'description', 'A small TypeScript front end', 'repository_path', '/srv/repos/demo-app', 'project_type', 'application',
    'status', 'archived', 'created_at', '2025-10-22 08:00:00', 'updated_at', '2025-12-01 08:00:00')));

SELECT pg_temp.seed('memories', jsonb_build_array(
  jsonb_build_object('id', '00000000-0000-4000-8000-00000000f001', 'title', 'Decision: halfvec for code embeddings',
    'content', 'We store a halfvec copy of every embedding to halve the HNSW index size.', 'created_at', '2025-11-02 09:00:00+00',
    'updated_at', '2025-11-02 09:30:00+00', 'memory_type', 'decision', 'tags', '["sys:core", "embeddings"]'::jsonb, 'author', 'giak',
    'project_id', '00000000-0000-4000-8000-00000000a001', 'embedding', pg_temp.vec(21), 'embedding_model', 'nomic-embed-text-v1.5',
    'related_chunks', '["00000000-0000-4000-8000-00000000c001"]'::jsonb, 'resource_links', '[{"type": "doc", "url": "docs/adr/012.md"}]'::jsonb,
    'deleted_at', NULL, 'metadata', '{"importance": 0.8}'::jsonb, 'embedding_source', 'title+content',
    'consumed_at', '2025-11-03 10:00:00+00', 'consumed_by', 'claude-code', 'entities', '[{"name": "pgvector", "type": "technology"}]'::jsonb,
    'concepts', '["vector search", "index size"]'::jsonb, 'auto_tags', '{embeddings,pgvector}',
    'outcome_positive', 3, 'outcome_negative', 1, 'outcome_score', 0.5, 'last_outcome_at', '2026-04-11 08:00:00+00'),
  jsonb_build_object('id', '00000000-0000-4000-8000-00000000f002', 'title', 'Investigation: slow trigram search',
    'content', 'The content trigram index only covers the first 10000 characters.', 'created_at', '2025-11-25 15:00:00+00',
    'updated_at', '2025-11-25 15:00:00+00', 'memory_type', 'reference', 'tags', '["search"]'::jsonb, 'author', 'giak',
    'project_id', '00000000-0000-4000-8000-00000000a002', 'embedding', pg_temp.vec(22), 'embedding_model', 'nomic-embed-text-v1.5',
    'related_chunks', '[]'::jsonb, 'resource_links', '[]'::jsonb, 'deleted_at', NULL, 'metadata', '{}'::jsonb, 'embedding_source', 'content',
    'entities', '[]'::jsonb, 'concepts', '["trigram"]'::jsonb),
  jsonb_build_object('id', '00000000-0000-4000-8000-00000000f003', 'title', 'Old task: rename events table',
    'content', 'Dropped: events keeps its name.', 'created_at', '2025-10-25 11:00:00+00',
    'updated_at', '2025-10-26 11:00:00+00', 'memory_type', 'task', 'tags', '[]'::jsonb, 'author', NULL,
    'project_id', NULL, 'embedding', NULL, 'related_chunks', '[]'::jsonb, 'deleted_at', '2025-10-26 11:00:00+00',
    'metadata', '{"status": "dropped"}'::jsonb)));

-- before MnemoLite had a projects table (2025-11-12) nothing checked memories.project_id; the seed's memories are then
-- global ones (NULL), so that the foreign key MnemoLite added that day holds (test/decisions/mnemolite-states.test.ts also
-- runs one with a project id no project has)
DO $$ BEGIN
  IF to_regclass('public.memories') IS NOT NULL AND to_regclass('public.projects') IS NULL THEN
    UPDATE memories SET project_id = NULL;
  END IF;
END $$;

SELECT pg_temp.seed('error_logs', jsonb_build_array(
  jsonb_build_object('id', '00000000-0000-4000-8000-0000000e1001', 'timestamp', '2025-10-28 03:12:00+00', 'severity', 'ERROR',
    'category', 'database', 'service', 'api', 'error_type', 'OperationalError', 'message', 'connection refused',
    'stack_trace', E'Traceback (most recent call last):\n  ...\nOperationalError', 'context', '{"endpoint": "/v1/search", "attempt": 3}'::jsonb,
    'created_at', '2025-10-28 03:12:00+00'),
  jsonb_build_object('id', '00000000-0000-4000-8000-0000000e1002', 'timestamp', '2025-10-28 03:13:00+00', 'severity', 'WARNING',
    'category', 'cache', 'service', 'worker', 'error_type', 'TimeoutError', 'message', 'redis ping slow',
    'stack_trace', NULL, 'context', NULL, 'created_at', '2025-10-28 03:13:00+00')));

SELECT pg_temp.seed('metrics', jsonb_build_array(
  jsonb_build_object('id', '00000000-0000-4000-8000-0000000d1001', 'timestamp', '2025-10-28 04:00:00+00', 'metric_type', 'api',
    'metric_name', 'latency_ms', 'value', 12.5, 'metadata', '{"endpoint": "/v1/search", "method": "GET", "status_code": 200}'::jsonb),
  jsonb_build_object('id', '00000000-0000-4000-8000-0000000d1002', 'timestamp', '2025-10-28 04:00:00+00', 'metric_type', 'cache',
    'metric_name', 'hit_rate', 'value', 0.93, 'metadata', '{}'::jsonb)));

SELECT pg_temp.seed('alerts', jsonb_build_array(
  jsonb_build_object('id', '00000000-0000-4000-8000-0000000a1001', 'created_at', '2025-10-29 02:00:00+00', 'alert_type', 'slow_queries',
    'severity', 'warning', 'message', '5 queries above 1s in 5 min', 'value', 5, 'threshold', 3, 'metadata', '{"window": "5m"}'::jsonb,
    'acknowledged', true, 'acknowledged_at', '2025-10-29 02:10:00+00', 'acknowledged_by', 'giak'),
  jsonb_build_object('id', '00000000-0000-4000-8000-0000000a1002', 'created_at', '2025-10-29 05:00:00+00', 'alert_type', 'disk_high',
    'severity', 'critical', 'message', 'disk usage 93%', 'value', 93, 'threshold', 90, 'metadata', '{}'::jsonb,
    'acknowledged', false, 'acknowledged_at', NULL, 'acknowledged_by', NULL)));

SELECT pg_temp.seed('detailed_metadata', jsonb_build_array(
  jsonb_build_object('metadata_id', '00000000-0000-4000-8000-0000000b1001', 'node_id', '00000000-0000-4000-8000-00000000b001',
    'chunk_id', '00000000-0000-4000-8000-00000000c001', 'metadata', '{"signature": "chunk_file(path: str) -> list[str]", "calls": ["split", "read"], "imports": []}'::jsonb,
    'version', 1, 'created_at', '2025-11-10 10:00:00', 'updated_at', '2025-11-10 10:00:00'),
  jsonb_build_object('metadata_id', '00000000-0000-4000-8000-0000000b1002', 'node_id', '00000000-0000-4000-8000-00000000b002',
    'chunk_id', '00000000-0000-4000-8000-00000000c002', 'metadata', '{"bases": [], "methods": ["__init__"]}'::jsonb,
    'version', 1, 'created_at', '2025-11-10 10:00:00', 'updated_at', '2025-11-11 10:00:00')));

SELECT pg_temp.seed('computed_metrics', jsonb_build_array(
  jsonb_build_object('metric_id', '00000000-0000-4000-8000-0000000c1001', 'node_id', '00000000-0000-4000-8000-00000000b001',
    'chunk_id', '00000000-0000-4000-8000-00000000c001', 'repository', 'mnemolite', 'cyclomatic_complexity', 1, 'cognitive_complexity', 0,
    'lines_of_code', 2, 'afferent_coupling', 1, 'efferent_coupling', 2, 'pagerank_score', 0.21, 'betweenness_centrality', 0.0,
    'version', 1, 'computed_at', '2025-11-10 10:05:00'),
  jsonb_build_object('metric_id', '00000000-0000-4000-8000-0000000c1002', 'node_id', '00000000-0000-4000-8000-00000000b002',
    'chunk_id', '00000000-0000-4000-8000-00000000c002', 'repository', 'mnemolite', 'cyclomatic_complexity', 2, 'cognitive_complexity', 1,
    'lines_of_code', 3, 'afferent_coupling', 0, 'efferent_coupling', 1, 'pagerank_score', 0.14, 'betweenness_centrality', 0.5,
    'version', 1, 'computed_at', '2025-11-10 10:05:00')));

SELECT pg_temp.seed('edge_weights', jsonb_build_array(
  jsonb_build_object('weight_id', '00000000-0000-4000-8000-0000000f1001', 'edge_id', '00000000-0000-4000-8000-00000000ed01',
    'call_count', 2, 'importance_score', 1.5, 'is_critical_path', true, 'version', 1, 'updated_at', '2025-11-10 10:06:00'),
  jsonb_build_object('weight_id', '00000000-0000-4000-8000-0000000f1002', 'edge_id', '00000000-0000-4000-8000-00000000ed02',
    'call_count', 1, 'importance_score', 0.4, 'is_critical_path', false, 'version', 1, 'updated_at', '2025-11-10 10:06:00')));

SELECT pg_temp.seed('memory_decay_config', jsonb_build_array(
  jsonb_build_object('tag_pattern', 'project:demo-app', 'decay_rate', 0.0250, 'half_life_days', 28, 'auto_consolidate_threshold', 40,
    'priority_boost', 0.10, 'created_at', '2026-03-30 09:00:00+00', 'updated_at', '2026-03-30 09:00:00+00')));

SELECT pg_temp.seed('alert_rules', jsonb_build_array(
  jsonb_build_object('id', '00000000-0000-4000-8000-0000000a2001', 'name', 'Demo: queries slower than 2s', 'alert_type', 'slow_queries',
    'threshold', 2.0, 'severity', 'info', 'cooldown_seconds', 900, 'enabled', false, 'metadata', '{"owner": "demo-app"}'::jsonb,
    'created_at', '2026-04-03 09:00:00+00', 'updated_at', '2026-04-03 09:00:00+00')));

SELECT pg_temp.seed('memory_relationships', jsonb_build_array(
  jsonb_build_object('id', '00000000-0000-4000-8000-0000000f2001', 'source_id', '00000000-0000-4000-8000-00000000f001',
    'target_id', '00000000-0000-4000-8000-00000000f002', 'score', 0.72, 'shared_entities', '["pgvector"]'::jsonb,
    'shared_concepts', '["index size"]'::jsonb, 'shared_tags', '[]'::jsonb, 'relationship_types', '["entity", "concept"]'::jsonb,
    'created_at', '2026-04-05 10:00:00+00'),
  jsonb_build_object('id', '00000000-0000-4000-8000-0000000f2002', 'source_id', '00000000-0000-4000-8000-00000000f002',
    'target_id', '00000000-0000-4000-8000-00000000f001', 'score', 0.31, 'shared_entities', '[]'::jsonb,
    'shared_concepts', '[]'::jsonb, 'shared_tags', '["search"]'::jsonb, 'relationship_types', '["tag"]'::jsonb,
    'created_at', '2026-04-05 10:00:00+00')));
SQL
)

eval "$("$ROOT/../shared/ci/container-engine.sh" env)"
cleanup() { docker rm -f "$NAME" >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup
docker run -d --name "$NAME" -p "127.0.0.1:$PORT:5432" -e POSTGRES_USER=mnemo -e POSTGRES_PASSWORD=mnemopass "$IMAGE" >/dev/null
for _ in $(seq 60); do docker exec "$NAME" pg_isready -h 127.0.0.1 -U mnemo -q 2>/dev/null && break; sleep 1; done
psqlc() { docker exec -i "$NAME" psql -X -qAt -v ON_ERROR_STOP=1 -U mnemo "$@"; }
SERVER=$(psqlc -d postgres -c "select 'PostgreSQL ' || current_setting('server_version') || ', pgvector ' || default_version
  || ', pg_partman ' || (select default_version from pg_available_extensions where name = 'pg_partman')
  from pg_available_extensions where name = 'vector'")
DUMPER=$(docker exec "$NAME" pg_dump --version)

# later steps of a state (see STATES): hand-run files published at a commit, and Alembic at a commit
mirror() { git -c safe.directory='*' -C "$MNEMO_MIRROR" "$@"; }
hand_files() {  # hand_files COMMIT SPEC...: `*` every file, `-NAME` every file but NAME, else the names as given
  local ref=$1 all; shift
  all=$(mirror ls-tree --name-only "$ref" db/migrations/ | sed 's#.*/##' | grep -E '\.sql$' | grep -v '_rollback\.sql$' | LC_ALL=C sort)
  case ${1:-} in
    '*') echo "$all" ;;
    -*) grep -vxF "${1#-}" <<<"$all" ;;
    *) printf '%s\n' "$@" ;;
  esac
}
later_step() {  # later_step DB STEP...
  local db=$1 kind=$2 ref=$3 url="postgresql://mnemo:mnemopass@127.0.0.1:$PORT/$1" f; shift 3
  case $kind in
    sql)
      for f in $(hand_files "$ref" "$@"); do
        if [ "$f" = 008_create_indexing_errors_table.sql ] && [ -n "$(psqlc -d "$db" -c "select to_regclass('public.indexing_errors')")" ]; then
          echo "   skip $f (indexing_errors is there)" >&2; continue
        fi
        echo "   sql $f @ $ref" >&2
        mirror show "$ref:db/migrations/$f" | docker exec -i "$NAME" psql -X -q -U mnemo -d "$db" >/dev/null 2>"$W/err" || true
        sed 's/^/     | /' "$W/err" >&2
      done ;;
    alembic) echo "   alembic upgrade $1 @ $ref" >&2; MNEMO_REF=$ref "$REAL/alembic.sh" "$url" upgrade "$1" >/dev/null ;;
    *) echo "unknown later step: $kind" >&2; exit 2 ;;
  esac
}
W=$(mktemp -d); trap 'cleanup; rm -rf "$W"' EXIT

mkdir -p "$OUT/catalog"
i=0
for line in "${STATES[@]}"; do
  read -r state ref envset rev <<<"${line%%;*}"
  if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qxF "$state"; then continue; fi
  [ "$ref" = HEAD ] && ref=$HEAD_COMMIT
  commit=$(mirror rev-parse "$ref^{commit}")
  db=f$(printf %02d $i); i=$((i + 1))
  psqlc -d postgres -c "drop database if exists $db with (force)" -c "create database $db"
  echo "== $state: $envset build.sh $rev at $ref" >&2
  MNEMO_REF=$commit env "$envset" "$REAL/build.sh" "$rev" "postgresql://mnemo:mnemopass@127.0.0.1:$PORT/$db" | tail -1 >&2
  later=
  if [[ $line == *';'* ]]; then
    IFS=';' read -ra steps <<<"${line#*;}"
    for s in "${steps[@]}"; do
      # shellcheck disable=SC2086 # a step is words
      set -f; later_step "$db" $s; set +f
      later+="; then ${s%% *} $(cut -d' ' -f2 <<<"$s" | sed "s/^HEAD$/${HEAD_COMMIT:0:7}/") $(cut -d' ' -f3- <<<"$s")"
    done
  fi
  psqlc -d "$db" <<<"$SEED" >/dev/null
  {
    echo "-- MnemoLite database state: $state"
    echo "-- Built by ../shared/mnemolite-real/build.sh $rev with $envset (MnemoLite's own unmodified db/init, db/migrations"
    echo "-- and Alembic files) at MnemoLite commit $commit${later}, then seeded by scripts/mnemolite-fixtures.sh"
    echo "-- (rows in every table). Server: $IMAGE ($SERVER); $DUMPER"
    echo "-- (--column-inserts --no-owner --no-privileges; psql meta-commands removed). Regenerate: scripts/mnemolite-fixtures.sh"
    # \restrict/\unrestrict carry a random key and are psql meta-commands: node-postgres cannot send them
    # and pg_dump's text of a CHECK `varchar_col IN (...)` restores as a different expression (the casts move
    # into the array), so those are written back in their source form: the restored catalog then equals the built one
    docker exec "$NAME" pg_dump -U mnemo -d "$db" --column-inserts --no-owner --no-privileges | grep -v '^\\\(un\)\?restrict ' |
      perl -pe 's/\(\((\w+)\)::text = ANY \(\(ARRAY\[([^\]]*)\]\)::text\[\]\)\)/"($1 IN (" . join(", ", map { s#::character varying$##r } split(m#, #, $2)) . "))"/ge'
  } > "$OUT/$state.sql"
  psqlc -d "$db" < "$REAL/catalog.sql" > "$OUT/catalog/$state.txt"
  psqlc -d postgres -c "drop database $db with (force)"
done
ls -l "$OUT" "$OUT/catalog" >&2
