import { runMigrateCli } from '@cleave/host/migrate.cli';

// `npm run migrate [-- <module>...]`: every module's migrations, alone, then exit (see MIGRATE_USAGE).
void runMigrateCli(process.argv.slice(2)).then((code) => process.exit(code));
