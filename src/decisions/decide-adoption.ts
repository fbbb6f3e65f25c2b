// Which migrations a database without our history already has, read migration by
// migration from the catalog each one changes (migrations/expected/). Pure: the
// deltas and the live catalog in, one decision out.
//
// A MnemoLite database carries the init scripts of the day it was first started and
// the hand-run files its operator chose, in the order they were published: any
// subset of the chain, not a prefix. Each object a migration touches is found in
// the form some migration left it in (or absent); that names the last migration of
// the subset that touched it. A migration is present when its objects say so, and
// absent when they are still as before it: absent ones are applied in chain order,
// even after later present ones, when no present later migration changed what they touch.
import { isOptional, normalise, objectOf } from '../chain/expected-catalog.ts';

export interface MigrationDelta {
  name: string;
  added: readonly string[];
  removed: readonly string[];
  /** catalog lines of forms MnemoLite made that no migration makes, which applying this migration again replaces */
  earlierForms?: readonly string[];
}

/** A migration applied although a later one is present, and the reason it is safe. */
export interface OutOfOrder {
  name: string;
  /** present later migrations */
  after: string;
}

/** One object the chain cannot bring to head: in a form no migration makes, or part of a migration only partly there. */
export interface ObjectConflict {
  object: string;
  /** the live line, or undefined when the object is not there */
  found: string | undefined;
  /** each form the chain gives it, and the migration that makes it (undefined: absent) */
  known: { form: string | undefined; by: string }[];
  /** the migration whose form is nearest to the one found */
  nearest: string;
  why: string;
}

export type AdoptionDecision =
  | {
      kind: 'adopt';
      /** migrations to record without running, in chain order */
      present: string[];
      /** migrations to apply, in chain order */
      absent: string[];
      outOfOrder: OutOfOrder[];
      /** migrations applied again to bring an object from an earlier form to the chain's: [migration, object] */
      reformed: [string, string][];
      /** comment lines of present migrations that differ or are missing: set to the chain's */
      comments: { expected: string; found: string | undefined }[];
      /** objects no migration makes (left as they are) */
      unknown: string[];
    }
  | { kind: 'refused'; conflicts: ObjectConflict[]; unknown: string[] };

interface Touch {
  migration: number;
  /** the line this migration leaves; undefined when it drops the object */
  form: string | undefined;
}

// Objects created first by an administrator as often as by the chain: present early, they say nothing.
const SAY_NOTHING = /^(extension|schema) /;

const same = (a: string | undefined, b: string | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && normalise(a) === normalise(b));

const isComment = (object: string): boolean => object.startsWith('comment ');

export function decideAdoption(migrations: readonly MigrationDelta[], live: readonly string[]): AdoptionDecision {
  const touches = touchesByObject(migrations);
  const liveByObject = new Map<string, string>();
  for (const line of live) if (!isOptional(line)) liveByObject.set(objectOf(line), line);
  const unknown = [...liveByObject].filter(([object]) => !touches.has(object)).map(([, line]) => line);

  // each object's last toucher in the database: -1 when none made it. Comments never decide (below).
  const last = new Map<string, number>();
  const again = new Map<number, string[]>(); // migration -> objects found in an earlier form it replaces
  const conflicts: ObjectConflict[] = [];
  for (const [object, chain] of touches) {
    if (SAY_NOTHING.test(object) || isComment(object)) continue;
    const found = liveByObject.get(object);
    const at = whichForm(chain, found);
    if (at !== undefined) {
      last.set(object, at);
      continue;
    }
    const replacedBy = chain.find(
      (touch) => found !== undefined && migrations[touch.migration]!.earlierForms?.some((form) => same(form, found)),
    );
    if (replacedBy) {
      // as MnemoLite made it: the migration that makes today's form runs again
      again.set(replacedBy.migration, [...(again.get(replacedBy.migration) ?? []), object]);
      continue;
    }
    conflicts.push(unknownForm(migrations, object, found, chain));
  }

  // each migration's votes from its objects: it made the form found (in), it comes after that form (out),
  // or a later migration made the form found (overwritten: fine if it is present, not if it is absent)
  const votes = new Map<number, { in: string[]; out: string[]; overwritten: [string, number][] }>();
  const voteOf = (index: number) => {
    const vote = votes.get(index) ?? { in: [], out: [], overwritten: [] };
    votes.set(index, vote);
    return vote;
  };
  for (const [object, at] of last) {
    for (const touch of touches.get(object)!) {
      const vote = voteOf(touch.migration);
      if (touch.migration === at) vote.in.push(object);
      else if (touch.migration > at) vote.out.push(object);
      else vote.overwritten.push([object, at]);
    }
  }
  for (const index of again.keys()) voteOf(index);
  const status: ('present' | 'absent' | undefined)[] = migrations.map(() => undefined);
  for (const [index, vote] of votes) {
    if (again.has(index)) status[index] = 'absent';
    else if (vote.in.length > 0 && vote.out.length > 0) {
      status[index] = 'present';
      for (const object of vote.out)
        conflicts.push(partly(migrations, index, object, liveByObject.get(object), touches.get(object)!, vote.in));
    } else status[index] = vote.out.length > 0 ? 'absent' : 'present';
  }
  // a migration that changes nothing the catalog shows (data only) goes with the next one that does
  for (let index = migrations.length - 1; index >= 0; index--) status[index] ??= status[index + 1] ?? 'absent';
  // an absent migration may run after present later ones only if none of them changed what it touches
  for (const [index, vote] of votes) {
    if (status[index] !== 'absent') continue;
    for (const [object, by] of vote.overwritten) {
      if (status[by] !== 'present') continue;
      conflicts.push({
        object,
        found: liveByObject.get(object),
        known: knownForms(migrations, touches.get(object)!),
        nearest: migrations[by]!.name,
        why: `${migrations[index]!.name} is not there but changes it, and ${migrations[by]!.name}, which is there, changed it after: applied now, it would not end as the chain makes it`,
      });
    }
  }
  const present = migrations.filter((_, index) => status[index] === 'present').map((m) => m.name);
  if (conflicts.length > 0 || (present.length === 0 && unknown.some((line) => !SAY_NOTHING.test(line))))
    return { kind: 'refused', conflicts, unknown };

  const absent: string[] = [];
  const outOfOrder: OutOfOrder[] = [];
  migrations.forEach((migration, index) => {
    if (status[index] !== 'absent') return;
    absent.push(migration.name);
    const later = migrations.findLast((_, other) => other > index && status[other] === 'present');
    if (later) outOfOrder.push({ name: migration.name, after: later.name });
  });
  const reformed = [...again].flatMap(([index, objects]) =>
    objects.map((object): [string, string] => [migrations[index]!.name, object]),
  );
  // a comment is set by the migration that makes it, when that one is applied; else here, to the chain's
  const comments = [...touches].flatMap(([object, chain]) => {
    const final = chain.at(-1)!;
    const found = liveByObject.get(object);
    if (!isComment(object) || status[final.migration] !== 'present' || !final.form || same(final.form, found))
      return [];
    return [{ expected: final.form, found }];
  });
  return { kind: 'adopt', present, absent, outOfOrder, reformed, comments, unknown };
}

/** Every object the chain touches, with the migrations that touch it in chain order. */
function touchesByObject(migrations: readonly MigrationDelta[]): Map<string, Touch[]> {
  const touches = new Map<string, Touch[]>();
  migrations.forEach((migration, index) => {
    const forms = new Map<string, string | undefined>();
    for (const line of migration.removed) forms.set(objectOf(line), undefined);
    for (const line of migration.added) forms.set(objectOf(line), line);
    for (const [object, form] of forms) {
      if (isOptional(form ?? object)) continue;
      touches.set(object, [...(touches.get(object) ?? []), { migration: index, form }]);
    }
  });
  return touches;
}

/** The migration whose form the object is in (-1: absent before any), or undefined when none is. */
function whichForm(chain: readonly Touch[], found: string | undefined): number | undefined {
  const match = chain.findLast((touch) => same(touch.form, found));
  if (match) return match.migration;
  return found === undefined ? -1 : undefined;
}

function knownForms(migrations: readonly MigrationDelta[], chain: readonly Touch[]): ObjectConflict['known'] {
  return chain.map((touch) => ({ form: touch.form, by: migrations[touch.migration]!.name }));
}

function unknownForm(
  migrations: readonly MigrationDelta[],
  object: string,
  found: string | undefined,
  chain: readonly Touch[],
): ObjectConflict {
  const known = knownForms(migrations, chain);
  const nearest = chain
    .filter((touch) => touch.form !== undefined)
    .reduce(
      (best, touch) => {
        const score = sharedPrefix(touch.form!, found ?? '');
        return score > best.score ? { score, by: migrations[touch.migration]!.name } : best;
      },
      { score: -1, by: migrations[chain[0]!.migration]!.name },
    ).by;
  return { object, found, known, nearest, why: 'found in a form no migration of the chain makes' };
}

function partly(
  migrations: readonly MigrationDelta[],
  index: number,
  object: string,
  found: string | undefined,
  chain: readonly Touch[],
  there: readonly string[],
): ObjectConflict {
  const name = migrations[index]!.name;
  return {
    object,
    found,
    known: knownForms(migrations, chain),
    nearest: name,
    why: `${name} is partly there: ${there.slice(0, 3).join(', ')}${there.length > 3 ? ', …' : ''} ${there.length === 1 ? 'is' : 'are'} as it makes ${there.length === 1 ? 'it' : 'them'}, this is not`,
  };
}

function sharedPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}
