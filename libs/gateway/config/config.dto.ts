import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import type { InstanceConfigView } from '@cleave/platform/config-sync';
import type { ReloadOutcome, SettingView } from '@cleave/platform/config';
import type { ProcessConfigView, SystemConfigView } from './config.view';

/*
 * The answer of GET /config as OpenAPI schemas. Each class implements the view the
 * instances publish, so the compiler keeps the document in step with it.
 */

/** A setting's value is any JSON: a combinator keeps the explorer from calling it an object. */
const ANY_VALUE = { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'object' }, { type: 'array', items: {} }] };

const RELOAD_STATUSES: ReloadOutcome['status'][] = ['applied', 'unchanged', 'refused'];

export class SettingViewDto implements SettingView {
  @ApiProperty({ ...ANY_VALUE, description: 'the value in force (secrets masked as ****)' }) value!: unknown;
  @ApiProperty({ description: 'default, environment, a file path, or reload override' }) source!: string;
  @ApiProperty({ description: 'applied without a restart when its source changes' }) live!: boolean;
  @ApiPropertyOptional({ ...ANY_VALUE, description: 'changed in the sources since start, waiting for a restart' }) pendingRestart?: unknown;
}

export class ReloadOutcomeDto implements ReloadOutcome {
  @ApiProperty({ description: 'what made it reload: a file, or npm run config:reload' }) trigger!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: RELOAD_STATUSES }) status!: ReloadOutcome['status'];
  @ApiProperty({ type: [String], description: 'applied, one line per changed value' }) changed!: string[];
  @ApiProperty({ type: [String], description: 'changed but read once at start' }) needsRestart!: string[];
  @ApiProperty({ type: [String], description: 'why a refused change was refused' }) problems!: string[];
}

export class InstanceConfigViewDto implements InstanceConfigView {
  @ApiProperty() instanceId!: string;
  @ApiProperty() process!: string;
  @ApiProperty() host!: string;
  @ApiProperty() pid!: number;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'when this view was last written' }) updatedAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: getSchemaPath(SettingViewDto) }, description: 'by setting name' })
  settings!: Record<string, SettingViewDto>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'reload overrides in force, masked' }) overrides!: Record<string, unknown>;
  @ApiPropertyOptional({ type: ReloadOutcomeDto }) lastReload?: ReloadOutcomeDto;
}

export class ProcessConfigViewDto implements ProcessConfigView {
  @ApiProperty() process!: string;
  @ApiProperty({ type: [InstanceConfigViewDto], description: 'oldest first' }) instances!: InstanceConfigViewDto[];
}

export class SystemConfigDto implements SystemConfigView {
  @ApiProperty({ description: 'the topology the system runs as' }) topology!: string;
  @ApiProperty({ type: [ProcessConfigViewDto] }) processes!: ProcessConfigViewDto[];
}
