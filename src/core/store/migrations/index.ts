import type { Migration } from 'kysely';
import * as m0001 from './0001_initial';
import * as m0002 from './0002_assessments';
import * as m0003 from './0003_packages';
import * as m0004 from './0004_targets';
import * as m0005 from './0005_reviews';
import * as m0006 from './0006_review_evidence';
import * as m0007 from './0007_integrity';
import * as m0008 from './0008_unit_editions';
import * as m0009 from './0009_counted';
import * as m0010 from './0010_reform_targets';

/**
 * Every migration the app knows, in the order they apply. Names are numbered; a new migration is a new file and a new
 * line at the end. Never edit or reorder one that has shipped: the store refuses a database whose applied migrations
 * are not a prefix of this list.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001_initial': m0001,
  '0002_assessments': m0002,
  '0003_packages': m0003,
  '0004_targets': m0004,
  '0005_reviews': m0005,
  '0006_review_evidence': m0006,
  '0007_integrity': m0007,
  '0008_unit_editions': m0008,
  '0009_counted': m0009,
  '0010_reform_targets': m0010,
};

export const migrationNames: readonly string[] = Object.keys(migrations);
