import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';

/**
 * A Server-Sent Events answer (`@Sse`): the explorer would call it JSON with no schema. Each
 * event's `data` is JSON of `event`'s schema, which is registered so the description can
 * point at it.
 */
export function ApiEventStream(description: string, event: new () => object): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(event),
    ApiOkResponse({
      description: `${description}\n\nEach event's \`data\` is JSON: ${getSchemaPath(event)}.`,
      content: { 'text/event-stream': { schema: { type: 'string', description: '`event:`, `id:` and `data:` lines, one blank line between events' } } },
    }),
  );
}
