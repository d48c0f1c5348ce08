import { ClientProxyFactory } from '@nestjs/microservices';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { CleaveClient } from '@cleave/platform/bus';
import { transportOptions } from './transport-options';

/** Calls the `math` service a few times and prints who answered. */
async function main(): Promise<void> {
  const math = ClientProxyFactory.create({ customClass: CleaveClient, options: transportOptions('math-client') });
  try {
    for (let i = 0; i < 4; i++) console.log('sum', JSON.stringify(await firstValueFrom(math.send({ cmd: 'sum' }, [i, 10, 100]))));
    console.log('count', JSON.stringify(await lastValueFrom(math.send('math.count', 5).pipe(toArray()))));
    await firstValueFrom(math.send({ cmd: 'sum' }, ['x'])).catch((error) => console.log('refused', JSON.stringify({ status: error.status, message: error.message })));
    await firstValueFrom(math.send('math.divide', [1, 0])).catch((error) => console.log('unknown', JSON.stringify({ status: error.status, message: error.message })));
  } finally {
    await math.close();
  }
}

void main();
