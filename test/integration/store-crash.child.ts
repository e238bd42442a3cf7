/**
 * Run as its own process by store-migrator.test.ts: opens the store in DATA_DIR with one more migration that creates a
 * table, inserts a row, and (on a database holding data) is killed (SIGKILL, no cleanup of any kind) before its second statement. The test then
 * shows that the next start succeeds with the schema complete and no half-made table.
 */
import { sql, type Kysely } from 'kysely';
import { openStore } from '../../src/core/store/db';
import { migrations } from '../../src/core/store/migrations';

async function main() {
  const [dataDir] = process.argv.slice(2);
  await openStore(dataDir!, {
    migrations: {
      ...migrations,
      '9999_crash': {
        up: async (db: Kysely<unknown>) => {
          await sql`create table crash_a (id integer primary key, label text not null)`.execute(db);
          await sql`insert into crash_a (label) values ('half')`.execute(db);
          // The checksum run on a scratch database (no rows) goes on; the real run, on the test's data, dies here.
          const rows = await sql<{ n: number }>`select count(*) as n from setting`.execute(db);
          if (rows.rows[0]!.n > 0) process.kill(process.pid, 'SIGKILL');
          await sql`create table crash_b (id integer primary key)`.execute(db);
        },
      },
    },
  });
  process.stdout.write('not killed\n');
}

void main();
