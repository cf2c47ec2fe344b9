// Child process for the migration race test: loads everything, says "ready", waits for
// "go" on stdin (sent to both children at once), then opens the reference data
// (migrating and seeding as needed) and prints what it applied.
import { loadConfig } from '../../src/config/load.js';
import { openReferenceData } from '../../src/tools/reference/db.js';

const loaded = loadConfig({ file: process.argv[2]!, env: process.env });
process.stdout.write('ready\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
process.stdin.pause();
const data = await openReferenceData(loaded, process.env);
process.stdout.write(`${JSON.stringify(data.migrations.applied)}\n`);
await data.close();
