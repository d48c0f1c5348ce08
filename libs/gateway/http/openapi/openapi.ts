import { INestApplication, Type } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { JwtAuthGuard } from '../../auth/jwt-auth.guard';
import { ROLES_KEY } from '../../auth/roles.decorator';
import { DashboardGuard } from '../../dashboard/session/dashboard.guard';
import { LIMITED_BY } from '../../rate-limit/rate-limit.guards';
import { ErrorBodyDto } from './views.dto';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

const ERROR = { $ref: '#/components/schemas/ErrorBodyDto' };

/**
 * The gateway's API as OpenAPI 3 (@nestjs/swagger): routes, parameters and bodies from the
 * controllers and their DTOs (the Nest CLI plugin reads the DTOs' types and class-validator
 * rules), then, from each route's guards, who may call it and the errors it may answer.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Cleave')
    .setDescription(
      'An e-commerce backend. Every error answers `{statusCode, error, message, details?, traceId}`; ' +
        'bodies are `application/json`, at most 100 KB (configurable). Rate limits answer 429 with `Retry-After`.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addCookieAuth('cleave_dashboard', { type: 'apiKey', in: 'cookie', name: 'cleave_dashboard' }, 'dashboardSession')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorBodyDto] });
  describeAccess(document, controllers(app));
  return document;
}

/** `/docs`: the interactive page; `/docs/openapi.json`: the document. */
export function serveOpenApi(app: INestApplication): void {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json', raw: ['json'], customSiteTitle: 'Cleave API' });
}

function controllers(app: INestApplication): Map<string, Type> {
  const byName = new Map<string, Type>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) if (wrapper.metatype) byName.set(wrapper.name as string, wrapper.metatype as Type);
  }
  return byName;
}

function describeAccess(document: OpenAPIObject, byName: Map<string, Type>): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const [controllerName, handlerName] = (operation.operationId ?? '').split('_');
      const controller = byName.get(controllerName);
      const handler = controller?.prototype[handlerName] as object | undefined;
      const guards = [...metadata<unknown[]>(GUARDS_METADATA, controller, handler, true)];
      const roles = metadata<string[] | undefined>(ROLES_KEY, controller, handler);
      const limited = metadata<string | undefined>(LIMITED_BY, controller, handler);
      errors(operation, path, method, {
        bearer: guards.includes(JwtAuthGuard),
        dashboard: guards.includes(DashboardGuard),
        admin: Array.isArray(roles) && roles.includes('admin'),
        limited,
      });
    }
  }
}

/** Controller metadata, the handler's over the class's (or both, for guards). */
function metadata<T>(key: string, controller?: Type, handler?: object, concat = false): T {
  const own = handler ? (Reflect.getMetadata(key, handler) as T | undefined) : undefined;
  const inherited = controller ? (Reflect.getMetadata(key, controller) as T | undefined) : undefined;
  if (concat) return [...((inherited as unknown[] | undefined) ?? []), ...((own as unknown[] | undefined) ?? [])] as T;
  return (own ?? inherited) as T;
}

function errors(operation: Operation, path: string, method: string, access: { bearer: boolean; dashboard: boolean; admin: boolean; limited?: string }): void {
  const add = (status: string, description: string) => (operation.responses[status] ??= { description, content: { 'application/json': { schema: ERROR } } });
  const who: string[] = [];
  if (access.bearer) {
    operation.security = [{ bearer: [] }];
    add('401', 'UNAUTHORIZED: no valid access token');
  }
  if (access.dashboard) {
    operation.security = [{ dashboardSession: [] }, { bearer: [] }];
    add('401', 'UNAUTHORIZED: not signed in to the dashboard');
    add('403', 'FORBIDDEN: administrators only');
    who.push('Administrators, by dashboard session or bearer token.');
  }
  if (access.admin) {
    add('403', 'FORBIDDEN: administrators only');
    who.push('Administrators only.');
  }
  if (operation.parameters?.length || operation.requestBody) add('400', 'VALIDATION_FAILED or BAD_REQUEST: the input breaks its schema (`details`: one message per field)');
  if (operation.requestBody || ['post', 'put', 'patch'].includes(method)) {
    add('413', 'PAYLOAD_TOO_LARGE: the body is over the limit');
    add('415', 'UNSUPPORTED_MEDIA_TYPE: the body is not application/json');
  }
  if (path.includes('{')) add('404', 'NOT_FOUND: no such resource, or not yours');
  add('429', access.limited ? `RATE_LIMITED: the ${access.limited} limit or the general one was hit (see Retry-After)` : 'RATE_LIMITED: the general limit was hit (see Retry-After)');
  add('503', 'UNAVAILABLE: a module did not answer in time');
  if (who.length) operation.description = [operation.description, ...who].filter(Boolean).join('\n\n');
}
