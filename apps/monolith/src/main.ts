import { bootstrapProcess } from '@cleave/host/bootstrap';

// Every module and the gateway in one process, on SQLite, without Redis.
void bootstrapProcess({ topology: 'monolith' });
