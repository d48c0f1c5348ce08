import { Module } from '@nestjs/common';
import { MetricsController } from '../metrics/metrics.controller';
import { HealthController } from './health.controller';

/** The operational endpoints every process serves, whatever it hosts. */
@Module({ controllers: [HealthController, MetricsController] })
export class OpsModule {}
