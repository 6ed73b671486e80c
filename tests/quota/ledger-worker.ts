// A second process reserving pages on the same database file, for the concurrency test.
import { openDatabase } from '../../src/db/database.ts';
import { createLedger } from '../../src/quota/ledger.ts';

const [file, firstAttempt, count] = process.argv.slice(2);
const db = openDatabase({ file: file!, busyTimeoutMs: 20_000 });
const ledger = createLedger({ db });
const accounts = [{ account: 'session:s1', allowance: 10, label: 'session' as const }];
let ok = 0;
for (let i = 0; i < Number(count); i++) {
  try {
    ledger.reserve({ siteId: 'lobeda', accounts, pages: 1, attemptId: Number(firstAttempt) + i, at: Date.now() });
    ok++;
  } catch (error) {
    if ((error as { code?: string }).code !== 'quota.exceeded') throw error;
  }
}
process.stdout.write(String(ok));
db.close();
