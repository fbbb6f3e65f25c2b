// Two monitoring views on events that say when partitioning would pay off (db/init/03, added after the
// first init). Its third view, partition_performance_preview, never built (GROUP BY error): left out.
// Last in the chain although MnemoLite made them first: a database whose init was cut short (the first
// `docker compose up`) never got them, and a view holds no data, so CREATE OR REPLACE here lets every
// real database reach head, with or without them.
import type { MigrationBuilder } from 'node-pg-migrate';

/** MnemoLite's own history this migration stands for (adoption maps databases by it). */
export const replaces = { sources: ['db/init/03-monitoring-views.sql'] };

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE OR REPLACE VIEW partitioning_readiness AS
    WITH event_stats AS (
      SELECT count(*) AS total_events,
             min("timestamp") AS oldest_event,
             max("timestamp") AS newest_event,
             extract(epoch FROM (max("timestamp") - min("timestamp"))) / 86400 AS age_days,
             pg_size_pretty(pg_total_relation_size('events')) AS table_size,
             pg_total_relation_size('events') AS table_size_bytes
        FROM events
    ),
    thresholds AS (
      SELECT 500000 AS event_threshold, 365 AS age_threshold_days, 10737418240 AS size_threshold_bytes
    )
    SELECT es.total_events,
           es.oldest_event,
           es.newest_event,
           round(es.age_days::numeric, 1) AS age_days,
           es.table_size,
           t.event_threshold,
           t.age_threshold_days,
           pg_size_pretty(t.size_threshold_bytes) AS size_threshold,
           (t.event_threshold - es.total_events) AS events_until_threshold,
           round((t.age_threshold_days - es.age_days)::numeric, 1) AS days_until_threshold,
           pg_size_pretty(t.size_threshold_bytes - es.table_size_bytes) AS size_until_threshold,
           round((es.total_events::numeric / t.event_threshold * 100), 1) AS event_progress_pct,
           round((es.age_days / t.age_threshold_days * 100), 1) AS age_progress_pct,
           round((es.table_size_bytes::numeric / t.size_threshold_bytes * 100), 1) AS size_progress_pct,
           CASE
             WHEN es.total_events >= t.event_threshold
               OR es.age_days >= t.age_threshold_days
               OR es.table_size_bytes >= t.size_threshold_bytes
             THEN '🔴 ACTIVER PARTITIONNEMENT MAINTENANT'
             WHEN es.total_events >= t.event_threshold * 0.8
               OR es.age_days >= t.age_threshold_days * 0.8
               OR es.table_size_bytes >= t.size_threshold_bytes * 0.8
             THEN '🟡 PRÉPARER ACTIVATION (80% du seuil)'
             WHEN es.total_events >= t.event_threshold * 0.5
               OR es.age_days >= t.age_threshold_days * 0.5
               OR es.table_size_bytes >= t.size_threshold_bytes * 0.5
             THEN '🟢 SURVEILLER (50% du seuil)'
             ELSE '🟢 OK (< 50% du seuil)'
           END AS recommendation,
           CASE
             WHEN es.total_events < 100 THEN 'Pas assez de données pour estimer'
             WHEN es.age_days < 7 THEN 'Pas assez de données pour estimer'
             ELSE pg_size_pretty(
                    round((t.event_threshold - es.total_events) / (es.total_events::numeric / greatest(es.age_days, 1)) * 86400)::bigint
                  ) || ' jours restants (estimation)'
           END AS estimated_days_until_threshold
      FROM event_stats es
     CROSS JOIN thresholds t;

    COMMENT ON VIEW partitioning_readiness IS
    'Vue de monitoring pour décider quand activer le partitionnement.
Vérifie 3 seuils: nombre d''events (500k), âge des données (1 an), taille table (10 GB).
Activation recommandée quand UN des seuils est atteint.';

    CREATE OR REPLACE VIEW index_maintenance_preview AS
    WITH event_counts AS (
      SELECT count(*) AS total_events FROM events
    ),
    partition_estimate AS (
      SELECT ceil(extract(epoch FROM (max("timestamp") - min("timestamp"))) / (30 * 86400)) AS estimated_partitions
        FROM events
    )
    SELECT ec.total_events,
           pe.estimated_partitions,
           round(ec.total_events::numeric / greatest(pe.estimated_partitions, 1)) AS avg_events_per_partition,
           pg_size_pretty(
             round((ec.total_events::numeric / greatest(pe.estimated_partitions, 1)) / 500)::bigint
           ) || ' secondes par partition' AS estimated_index_creation_time,
           pg_size_pretty(
             round(pe.estimated_partitions * (ec.total_events::numeric / greatest(pe.estimated_partitions, 1)) / 500)::bigint
           ) || ' secondes au total' AS total_index_creation_time,
           CASE
             WHEN pe.estimated_partitions < 6 THEN '✅ Peu de partitions, maintenance facile'
             WHEN pe.estimated_partitions BETWEEN 6 AND 24 THEN '🟡 Maintenance modérée'
             WHEN pe.estimated_partitions > 24 THEN '🔴 Beaucoup de partitions, considérer intervalles trimestriels'
             ELSE '❓ Pas assez de données'
           END AS maintenance_recommendation
      FROM event_counts ec
     CROSS JOIN partition_estimate pe;

    COMMENT ON VIEW index_maintenance_preview IS
    'Estime l''effort de maintenance des indexes HNSW après activation du partitionnement.
Aide à anticiper le temps nécessaire pour la création initiale des indexes.';
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`
    DROP VIEW index_maintenance_preview;
    DROP VIEW partitioning_readiness;
  `);
}
