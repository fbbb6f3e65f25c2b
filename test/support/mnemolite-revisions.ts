// MnemoLite's Alembic revisions after a40a6de7d379, each with the first migration of the chain that
// stands for it (read from the `replaces` the migrations declare): cutting the chain before it gives
// the point just before that revision.
/** Each revision, and the first migration of the chain that stands for it (declared in its `replaces`). */
export const REVISIONS = [
  ['b7c2e4f8a901', '20260326000000000'],
  ['c4d7f2a8e102', '20260327000000000'],
  ['e5a8b3c9d203', '20260327000002000'],
  ['f1a2b3c4d506', '20260401000000000'],
  ['a1b2c3d4e5f6', '20260402000000000'],
  ['b2c3d4e5f6a7', '20260402000003000'],
  ['c3d4e5f6a7b8', '20260402000004000'],
  ['20260403_0000', '20260403000000000'],
  ['20260404_0000', '20260404000000000'],
  ['20260410_0000', '20260410000000000'],
] as const;
