import { bootstrapProcess } from '@cleave/host/bootstrap';

// The cart process of a split topology; CLEAVE_TOPOLOGY and CLEAVE_PROCESS may override both.
void bootstrapProcess({ topology: 'split', process: 'cart' });
