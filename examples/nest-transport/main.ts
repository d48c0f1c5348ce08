import { NestFactory } from '@nestjs/core';
import { CleaveServer } from '@cleave/platform/bus';
import { AppModule } from './app.module';
import { transportOptions } from './transport-options';

/** One instance of the `math` service; start as many as you like. */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.createMicroservice(AppModule, { strategy: new CleaveServer(transportOptions('math')) });
  app.enableShutdownHooks();
  await app.listen();
  console.log(`math ${process.env.INSTANCE ?? process.pid} listening`);
}

void bootstrap();
