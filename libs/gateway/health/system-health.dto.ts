import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import type { Subscription } from '@cleave/platform/bus';
import type { InstanceInfo } from '@cleave/platform/health';
import type { ServiceView, SystemHealth } from './system-health.service';

/*
 * The answers of GET /services and GET /health as OpenAPI schemas. Each class implements
 * the registry's view, so the compiler keeps the document in step with it.
 */

type ServiceHealth = SystemHealth['services'][string];

export class SubscriptionDto implements Subscription {
  @ApiProperty({ description: 'the subscribing module' }) subscriber!: string;
  @ApiProperty({ example: 'order.confirmed' }) event!: string;
  @ApiPropertyOptional({ description: 'the module whose contract declares the event' }) publisher?: string;
}

export class InstanceInfoDto implements InstanceInfo {
  @ApiProperty() instanceId!: string;
  @ApiProperty() process!: string;
  @ApiProperty({ type: [String] }) modules!: string[];
  @ApiProperty() gateway!: boolean;
  @ApiProperty() version!: string;
  @ApiProperty() host!: string;
  @ApiProperty() pid!: number;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ enum: ['up', 'down'], description: 'its own readiness at its last heartbeat' }) status!: 'up' | 'down';
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'why it is not ready, by check' }) failing?: Record<string, string>;
  @ApiProperty({ format: 'date-time' }) lastSeen!: string;
  @ApiPropertyOptional({ description: 'where its health and metrics answer' }) url?: string;
  @ApiPropertyOptional({ type: [SubscriptionDto], description: "the events its modules take, as their @OnEvent handlers declare" }) subscriptions?: SubscriptionDto[];
}

export class ServiceViewDto implements ServiceView {
  @ApiProperty() process!: string;
  @ApiProperty({ type: [String] }) modules!: string[];
  @ApiProperty({ description: 'it serves the public HTTP API' }) gateway!: boolean;
  @ApiProperty({ description: 'the system is down while it is' }) critical!: boolean;
  @ApiProperty({ type: [InstanceInfoDto], description: 'oldest first' }) instances!: InstanceInfoDto[];
}

export class ServiceListDto {
  @ApiProperty({ type: [ServiceViewDto], description: 'every process of the topology' }) services!: ServiceViewDto[];
}

export class ServiceHealthDto implements ServiceHealth {
  @ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
  @ApiProperty() critical!: boolean;
  @ApiProperty() instances!: number;
  @ApiProperty({ description: 'instances that are ready' }) ready!: number;
  @ApiPropertyOptional() reason?: string;
}

export class SystemHealthDto implements SystemHealth {
  @ApiProperty({ enum: ['healthy', 'degraded', 'down'], description: 'degraded: a non-critical service is down; down: a critical one is' })
  status!: SystemHealth['status'];
  @ApiProperty({ type: 'object', additionalProperties: { $ref: getSchemaPath(ServiceHealthDto) }, description: 'by process' })
  services!: Record<string, ServiceHealthDto>;
}
