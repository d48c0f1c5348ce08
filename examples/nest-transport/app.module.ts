import { Module } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { CleaveClient } from '@cleave/platform/bus';
import { MathController } from './math.controller';
import { transportOptions } from './transport-options';

@Module({
  imports: [ClientsModule.register([{ name: 'EVENTS', customClass: CleaveClient, options: transportOptions('math') }])],
  controllers: [MathController],
})
export class AppModule {}
