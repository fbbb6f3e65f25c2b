// Which migrations a database without history has, read migration by migration from catalogs alone.
import { describe, expect, it } from 'vitest';
import { decideAdoption, type MigrationDelta } from '../../src/decisions/decide-adoption.ts';

const ext = 'extension vector schema=public';
const narrow = 'constraint public.memories.chk_type check: CHECK (type IN (a, b))';
const wide = 'constraint public.memories.chk_type check: CHECK (type IN (a, b, c))';
const wideNotValid = `${wide} NOT VALID`;
const trgmWhole = 'index public.memories.idx_trgm: CREATE INDEX idx_trgm ON public.memories USING gin (content)';
const trgmLeft =
  'index public.memories.idx_trgm: CREATE INDEX idx_trgm ON public.memories USING gin (left(content, 10))';

const m = (name: string, added: string[], removed: string[] = [], earlierForms?: string[]): MigrationDelta => ({
  name,
  added,
  removed,
  ...(earlierForms && { earlierForms }),
});
// a small history like MnemoLite's: tables, an index, a data step, a CHECK widened then validated, views last
const chain = [
  m('01_baseline', [ext, 'table public.events', 'column public.events.id uuid not-null']),
  m('02_errors', ['table public.errors', 'comment table public.errors: indexing errors']),
  m('03_memories', ['table public.memories', 'column public.memories.type text null', narrow]),
  m('04_nodes_backfill', []),
  m('05_nodes_index', ['index public.events.idx_events_node: CREATE INDEX idx_events_node ON public.events (id)']),
  m('06_memory_types', [wideNotValid], [narrow]),
  m('07_validate', [wide], [wideNotValid]),
  m('08_trgm', [trgmLeft], [], [trgmWhole]),
  m('09_views', ['view public.v: SELECT 1', 'column public.v.one integer null']),
];
const all = chain.flatMap((migration) => migration.added.filter((line) => !migration.removed.includes(line)));
const at = (...names: string[]) => {
  const lines = new Map<string, string>();
  for (const migration of chain.filter((x) => names.includes(x.name))) {
    for (const line of migration.removed) lines.delete(line);
    for (const line of migration.added) lines.set(line, line);
  }
  return [...lines.keys()];
};
const names = (n: number[]) => n.map((i) => chain[i - 1]!.name);

describe('decideAdoption', () => {
  it('a database at a point of the chain: the migrations up to it are there, the rest are applied in order', () => {
    const decision = decideAdoption(chain, at('01_baseline', '02_errors'));
    expect(decision).toEqual({
      kind: 'adopt',
      present: names([1, 2]),
      absent: names([3, 4, 5, 6, 7, 8, 9]),
      outOfOrder: [],
      reformed: [],
      comments: [],
      unknown: [],
    });
  });

  it('any subset of the chain: absent migrations before present ones are applied, each said out of order', () => {
    // the seed's own database: init with its views, without the table a later init script added
    const decision = decideAdoption(chain, at('01_baseline', '09_views'));
    expect(decision).toMatchObject({ kind: 'adopt', present: names([1, 9]), absent: names([2, 3, 4, 5, 6, 7, 8]) });
    if (decision.kind !== 'adopt') throw new Error(decision.kind);
    expect(decision.outOfOrder.map((o) => o.name)).toEqual(names([2, 3, 4, 5, 6, 7, 8]));
    expect(decision.outOfOrder[0]!.after).toBe('09_views');
  });

  it('an object changed by several migrations names the last one that ran: the CHECK still narrow', () => {
    const decision = decideAdoption(chain, at('01_baseline', '02_errors', '03_memories', '05_nodes_index'));
    expect(decision).toMatchObject({
      kind: 'adopt',
      present: names([1, 2, 3, 4, 5]),
      absent: names([6, 7, 8, 9]),
      outOfOrder: [],
    });
    const validated = decideAdoption(
      chain,
      at('01_baseline', '02_errors', '03_memories', '06_memory_types', '07_validate'),
    );
    expect(validated).toMatchObject({ present: names([1, 2, 3, 6, 7]), absent: names([4, 5, 8, 9]) });
  });

  it('a migration that changes nothing the catalog shows goes with the next one that does', () => {
    expect(decideAdoption(chain, at('01_baseline', '02_errors', '03_memories'))).toMatchObject({
      absent: names([4, 5, 6, 7, 8, 9]),
    });
    expect(decideAdoption(chain, at('01_baseline', '02_errors', '03_memories', '05_nodes_index'))).toMatchObject({
      present: names([1, 2, 3, 4, 5]),
    });
  });

  it('refuses an absent migration that must change what a present later one changed after it', () => {
    // 06 is missing but 07's form is there: applying 06 now would leave the CHECK NOT VALID
    const lines = [...at('01_baseline', '02_errors', '03_memories'), wide].filter((line) => line !== narrow);
    const chainWithout06Change = decideAdoption(
      [
        ...chain.slice(0, 5),
        m('06_memory_types', [wideNotValid, 'column public.memories.src text null'], [narrow]),
        ...chain.slice(6),
      ],
      lines,
    );
    expect(chainWithout06Change.kind).toBe('refused');
    if (chainWithout06Change.kind !== 'refused') throw new Error('adopted');
    expect(chainWithout06Change.conflicts).toEqual([
      expect.objectContaining({ object: 'constraint public.memories.chk_type check', nearest: '07_validate' }),
    ]);
    expect(chainWithout06Change.conflicts[0]!.why).toMatch(/06_memory_types is not there but changes it/);
  });

  it('refuses a migration only partly there, naming what is there and what is not', () => {
    const lines = at('01_baseline', '02_errors', '03_memories').filter((line) => line !== narrow);
    const decision = decideAdoption(chain, lines);
    expect(decision).toMatchObject({
      kind: 'refused',
      conflicts: [
        {
          object: 'constraint public.memories.chk_type check',
          found: undefined,
          nearest: '03_memories',
          why: expect.stringMatching(/03_memories is partly there: table public.memories, column public.memories.type/),
        },
      ],
    });
  });

  it('refuses an object in a form no migration makes, listing the forms the chain knows and the nearest', () => {
    const odd = 'constraint public.memories.chk_type check: CHECK (type IN (a, b, c, d))';
    const lines = [...at('01_baseline', '02_errors', '03_memories').filter((line) => line !== narrow), odd];
    const decision = decideAdoption(chain, lines);
    expect(decision).toMatchObject({
      kind: 'refused',
      conflicts: [{ object: 'constraint public.memories.chk_type check', found: odd, nearest: '06_memory_types' }],
    });
    if (decision.kind !== 'refused') throw new Error('adopted');
    expect(decision.conflicts[0]!.known.map((k) => k.by)).toEqual(names([3, 6, 7]));
  });

  it('an earlier form a migration declares is rebuilt by running that migration again', () => {
    const lines = [...all.filter((line) => line !== trgmLeft), trgmWhole];
    const decision = decideAdoption(chain, lines);
    expect(decision).toMatchObject({
      kind: 'adopt',
      present: names([1, 2, 3, 4, 5, 6, 7, 9]),
      absent: names([8]),
      reformed: [['08_trgm', 'index public.memories.idx_trgm']],
    });
  });

  it('comments never decide: one that differs or is missing is set to the chain’s', () => {
    const changed = all.map((line) =>
      line.startsWith('comment table public.errors') ? 'comment table public.errors: old words' : line,
    );
    expect(decideAdoption(chain, changed)).toMatchObject({
      kind: 'adopt',
      absent: [],
      comments: [
        { expected: 'comment table public.errors: indexing errors', found: 'comment table public.errors: old words' },
      ],
    });
    const missing = all.filter((line) => !line.startsWith('comment '));
    expect(decideAdoption(chain, missing)).toMatchObject({
      absent: [],
      comments: [{ expected: 'comment table public.errors: indexing errors', found: undefined }],
    });
  });

  it('objects no migration makes are kept and listed; extensions created beforehand say nothing', () => {
    const lines = [...at('01_baseline'), 'table public.my_audit', 'extension pg_stat_statements schema=public'];
    expect(decideAdoption(chain, lines)).toMatchObject({
      kind: 'adopt',
      present: names([1]),
      unknown: ['table public.my_audit', 'extension pg_stat_statements schema=public'],
    });
  });

  it('another application’s database is no MnemoLite database: refused, naming its objects', () => {
    expect(decideAdoption(chain, [ext, 'table public.invoices'])).toEqual({
      kind: 'refused',
      conflicts: [],
      unknown: ['table public.invoices'],
    });
  });
});
