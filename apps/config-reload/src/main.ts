import { configReload } from '@cleave/host/config-reload';

// `npm run config:reload`: asks every process of the split system to reload its configuration.
void configReload(process.argv.slice(2)).then((code) => process.exit(code));
