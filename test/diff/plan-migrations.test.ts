// Each safety rewrite of `diff`, on catalog lines as the listing prints them: what a change becomes, and
// what it is refused as.
import { describe, expect, it } from 'vitest';
import { planMigrations } from '../../src/diff/plan-migrations.ts';
import type { DiffPlan } from '../../src/diff/planned-migration.ts';

const HEAD = [
  'schema public',
  'table public.memories',
  'column public.memories.id uuid not-null',
  'column public.memories.title text null',
  'column public.memories.project_id uuid null',
  'column-order public.memories: id,title,project_id',
  'constraint public.memories.memories_pkey primary-key: PRIMARY KEY (id)',
  'index public.memories.memories_pkey: CREATE UNIQUE INDEX memories_pkey ON public.memories USING btree (id)',
  'table public.projects',
  'column public.projects.id uuid not-null',
  'column-order public.projects: id',
  'constraint public.projects.projects_pkey primary-key: PRIMARY KEY (id)',
  'index public.projects.projects_pkey: CREATE UNIQUE INDEX projects_pkey ON public.projects USING btree (id)',
];

const plan = (change: { add?: string[]; remove?: (line: string) => boolean }, definitions = {}): DiffPlan =>
  planMigrations({
    head: HEAD,
    desired: [...HEAD.filter((line) => !change.remove?.(line)), ...(change.add ?? [])],
    definitions: { head: {}, desired: definitions },
  });

describe('diff plans safe migrations', () => {
  it('a new index on an existing table: a non-transactional migration of its own, built and dropped CONCURRENTLY', () => {
    const { migrations, refused } = plan({
      add: [
        'index public.memories.idx_memories_title: CREATE INDEX idx_memories_title ON public.memories USING btree (title)',
      ],
    });
    expect(refused).toEqual([]);
    expect(migrations).toMatchObject([
      {
        suffix: 'idx-memories-title',
        transaction: false,
        up: [
          'DROP INDEX CONCURRENTLY IF EXISTS public.idx_memories_title',
          'CREATE INDEX CONCURRENTLY idx_memories_title ON public.memories USING btree (title)',
        ],
        down: ['DROP INDEX CONCURRENTLY IF EXISTS public.idx_memories_title'],
      },
    ]);
  });

  it('a new foreign key on an existing table: added NOT VALID, validated in a migration of its own', () => {
    const fk = 'FOREIGN KEY (project_id) REFERENCES public.projects(id) ON DELETE SET NULL';
    const { migrations } = plan({ add: [`constraint public.memories.fk_memories_project foreign-key: ${fk}`] });
    expect(migrations.map((m) => [m.transaction, m.up, m.down])).toEqual([
      [
        true,
        [`ALTER TABLE public.memories ADD CONSTRAINT fk_memories_project ${fk} NOT VALID`],
        ['ALTER TABLE public.memories DROP CONSTRAINT fk_memories_project'],
      ],
      [
        true,
        ['ALTER TABLE public.memories VALIDATE CONSTRAINT fk_memories_project'],
        [
          'ALTER TABLE public.memories DROP CONSTRAINT fk_memories_project',
          `ALTER TABLE public.memories ADD CONSTRAINT fk_memories_project ${fk} NOT VALID`,
        ],
      ],
    ]);
  });

  it('a CHECK the desired database has NOT VALID stays so: no validation', () => {
    const { migrations } = plan({
      add: ['constraint public.memories.title_short check: CHECK ((length(title) < 200)) NOT VALID [NOT VALIDATED]'],
    });
    expect(migrations.map((m) => m.up)).toEqual([
      ['ALTER TABLE public.memories ADD CONSTRAINT title_short CHECK ((length(title) < 200)) NOT VALID'],
    ]);
  });

  it('SET NOT NULL: a CHECK NOT VALID, then VALIDATE, SET NOT NULL and the CHECK dropped; the down undoes each', () => {
    const { migrations } = plan({
      remove: (line) => line === 'column public.memories.title text null',
      add: ['column public.memories.title text not-null'],
    });
    expect(migrations.map((m) => [m.up, m.down])).toEqual([
      [
        [
          'ALTER TABLE public.memories ADD CONSTRAINT memories_title_not_null_check CHECK (title IS NOT NULL) NOT VALID',
        ],
        ['ALTER TABLE public.memories DROP CONSTRAINT memories_title_not_null_check'],
      ],
      [
        [
          'ALTER TABLE public.memories VALIDATE CONSTRAINT memories_title_not_null_check',
          'ALTER TABLE public.memories ALTER COLUMN title SET NOT NULL',
          'ALTER TABLE public.memories DROP CONSTRAINT memories_title_not_null_check',
        ],
        [
          'ALTER TABLE public.memories ADD CONSTRAINT memories_title_not_null_check CHECK (title IS NOT NULL) NOT VALID',
          'ALTER TABLE public.memories ALTER COLUMN title DROP NOT NULL',
        ],
      ],
    ]);
  });

  it('a new NOT NULL column without a default on an existing table is refused, with the safe form', () => {
    const { refused } = plan({
      add: ['column public.memories.score integer not-null'],
      remove: (line) => line.startsWith('column-order public.memories'),
    });
    expect(refused).toEqual([
      expect.objectContaining({
        object: 'column public.memories.score integer not-null',
        destructive: false,
        reason: expect.stringContaining('NOT NULL without a DEFAULT'),
        instead: expect.stringContaining('backfill'),
      }),
    ]);
  });

  it('new columns are added in the desired column order, with their defaults', () => {
    const { migrations, addedColumns } = plan({
      remove: (line) => line.startsWith('column-order public.memories'),
      add: [
        'column public.memories.b integer not-null default=0',
        'column public.memories.a text null',
        'column-order public.memories: id,title,project_id,b,a',
      ],
    });
    expect(migrations[0]!.up).toEqual([
      'ALTER TABLE public.memories ADD COLUMN b integer DEFAULT 0 NOT NULL',
      'ALTER TABLE public.memories ADD COLUMN a text',
    ]);
    expect(migrations[0]!.down).toEqual([
      'ALTER TABLE public.memories DROP COLUMN a',
      'ALTER TABLE public.memories DROP COLUMN b',
    ]);
    expect(addedColumns).toEqual(['public.memories.b', 'public.memories.a']);
  });

  it('a new table: whole, its foreign keys after, its indexes plain (it is empty), all undone by DROP TABLE', () => {
    const { migrations } = plan({
      add: [
        'table public.notes',
        'column public.notes.id uuid not-null default=gen_random_uuid()',
        'column public.notes.memory_id uuid not-null',
        'column-order public.notes: id,memory_id',
        'constraint public.notes.notes_pkey primary-key: PRIMARY KEY (id)',
        'index public.notes.notes_pkey: CREATE UNIQUE INDEX notes_pkey ON public.notes USING btree (id)',
        'constraint public.notes.notes_memory_id_fkey foreign-key: FOREIGN KEY (memory_id) REFERENCES public.memories(id)',
        'index public.notes.idx_notes_memory: CREATE INDEX idx_notes_memory ON public.notes USING btree (memory_id)',
        'comment table public.notes: what was noted',
      ],
    });
    expect(migrations).toHaveLength(1);
    expect(migrations[0]!.up).toEqual([
      'CREATE TABLE public.notes (\n  id uuid DEFAULT gen_random_uuid() NOT NULL,\n  memory_id uuid NOT NULL,\n  CONSTRAINT notes_pkey PRIMARY KEY (id)\n)',
      'ALTER TABLE public.notes ADD CONSTRAINT notes_memory_id_fkey FOREIGN KEY (memory_id) REFERENCES public.memories(id)',
      'CREATE INDEX idx_notes_memory ON public.notes USING btree (memory_id)',
      "COMMENT ON TABLE public.notes IS 'what was noted'",
    ]);
    expect(migrations[0]!.down).toEqual([
      'ALTER TABLE public.notes DROP CONSTRAINT notes_memory_id_fkey',
      'DROP TABLE public.notes',
    ]);
  });

  it('a new unique constraint on an existing table: its index built CONCURRENTLY, then taken over', () => {
    const { migrations } = plan({
      add: [
        'constraint public.memories.memories_title_key unique: UNIQUE (title)',
        'index public.memories.memories_title_key: CREATE UNIQUE INDEX memories_title_key ON public.memories USING btree (title)',
      ],
    });
    expect(migrations).toMatchObject([
      {
        transaction: false,
        up: [
          'DROP INDEX CONCURRENTLY IF EXISTS public.memories_title_key',
          'CREATE UNIQUE INDEX CONCURRENTLY memories_title_key ON public.memories USING btree (title)',
          'ALTER TABLE public.memories ADD CONSTRAINT memories_title_key UNIQUE USING INDEX memories_title_key',
        ],
        down: ['ALTER TABLE public.memories DROP CONSTRAINT memories_title_key'],
      },
    ]);
  });

  it('dropping a table or a column, or changing a type, is destructive: listed, and planned apart', () => {
    const { migrations, refused } = plan({
      remove: (line) =>
        line.includes('public.projects') ||
        line === 'column public.memories.title text null' ||
        line.includes('memories.project_id'),
      add: ['column public.memories.project_id bigint null'],
    });
    expect(refused.map((r) => [r.destructive, r.object])).toEqual([
      [true, 'table public.projects'],
      [true, 'column public.memories.project_id bigint null'],
      [true, 'column public.memories.title text null'],
    ]);
    const destructive = migrations.find((m) => m.destructive)!;
    expect(destructive.suffix).toBe('destructive');
    expect(destructive.up).toEqual([
      'ALTER TABLE public.memories ALTER COLUMN project_id TYPE bigint USING project_id::bigint',
      'ALTER TABLE public.memories DROP COLUMN title',
      'DROP TABLE public.projects',
    ]);
    expect(destructive.down).toContain('ALTER TABLE public.memories ADD COLUMN title text');
  });

  it('a view reading a retyped column is dropped before the change and created again after it', () => {
    const view = 'view public.titles: SELECT memories.project_id FROM public.memories;';
    const planned = planMigrations({
      head: [...HEAD, view],
      desired: [
        ...HEAD.filter((line) => !line.includes('memories.project_id')),
        'column public.memories.project_id bigint null',
        view,
      ],
      definitions: { head: {}, desired: {} },
    });
    expect(planned.migrations.find((m) => m.destructive)!.up).toEqual([
      'DROP VIEW public.titles',
      'ALTER TABLE public.memories ALTER COLUMN project_id TYPE bigint USING project_id::bigint',
      'CREATE VIEW public.titles AS\nSELECT memories.project_id FROM public.memories',
    ]);
  });

  it('functions and triggers: created from their whole definitions, the down restores what was there', () => {
    const definition =
      'CREATE OR REPLACE FUNCTION public.touch()\n RETURNS trigger\n LANGUAGE plpgsql\nAS $function$\nBEGIN\n  -- keep it\n  RETURN NEW;\nEND $function$\n';
    const { migrations } = plan(
      {
        add: [
          `function public.touch(): ${definition.replace(/\s+/g, ' ')}`,
          'trigger public.memories.trg_touch: CREATE TRIGGER trg_touch BEFORE UPDATE ON public.memories FOR EACH ROW EXECUTE FUNCTION public.touch()',
        ],
      },
      { 'function public.touch()': definition },
    );
    expect(migrations[0]!.up).toEqual([
      'SET LOCAL check_function_bodies = off',
      definition,
      'CREATE TRIGGER trg_touch BEFORE UPDATE ON public.memories FOR EACH ROW EXECUTE FUNCTION public.touch()',
    ]);
    expect(migrations[0]!.down).toEqual(['DROP TRIGGER trg_touch ON public.memories', 'DROP FUNCTION public.touch()']);
  });

  it('a comment changed: set, and set back by the down', () => {
    const { migrations } = plan({ add: ["comment column public.memories.title: the memory's title"] });
    expect(migrations[0]!.up).toEqual(["COMMENT ON COLUMN public.memories.title IS 'the memory''s title'"]);
    expect(migrations[0]!.down).toEqual(['COMMENT ON COLUMN public.memories.title IS NULL']);
  });

  it('no difference: nothing planned', () => {
    expect(plan({})).toEqual({ migrations: [], refused: [], addedColumns: [] });
  });
});
