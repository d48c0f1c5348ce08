import { runDeadLettersCli } from '@cleave/host/dead-letters.cli';

// `npm run dlq -- list|show|replay|drop`: the dead letters of a split system (see DLQ_USAGE).
void runDeadLettersCli(process.argv.slice(2)).then((code) => process.exit(code));
