import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './system-env';

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, SchemaObject> };
}

export interface OpenApiOperation {
  operationId?: string;
  parameters?: { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: SchemaObject }[];
  requestBody?: { content: Record<string, { schema: SchemaObject }> };
  responses: Record<string, unknown>;
  security?: unknown[];
}

export interface SchemaObject {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  allOf?: SchemaObject[];
  additionalProperties?: boolean | SchemaObject;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every operation as `GET /orders/{id}`, with its definition. */
export function operations(document: OpenApiDocument): { key: string; method: string; path: string; operation: OpenApiOperation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, method, path, operation })),
  );
}

/** The routes a process says it mapped at start (Nest's `Mapped {/orders/:id, GET} route` lines), as `GET /orders/{id}`. */
export function mappedRoutes(output: readonly string[]): string[] {
  const routes = new Set<string>();
  for (const line of output) {
    const match = /Mapped \{([^,]+), (\w+)\} route/.exec(line);
    if (match) routes.add(`${match[2]} ${match[1].replace(/:(\w+)/g, '{$1}')}`);
  }
  return [...routes].sort();
}

/** A schema with its `$ref` followed. */
export function resolve(document: OpenApiDocument, schema: SchemaObject | undefined): SchemaObject | undefined {
  if (!schema?.$ref) return schema?.allOf?.length === 1 ? resolve(document, schema.allOf[0]) : schema;
  return resolve(document, document.components.schemas[schema.$ref.replace('#/components/schemas/', '')]);
}

/**
 * Validates the document with @apidevtools/swagger-parser (schema and references). An ES
 * module, which Jest's CommonJS cannot load: it runs in a child process. Answers its
 * complaint, empty when valid.
 */
export function validationProblems(document: OpenApiDocument): string {
  const dir = mkdtempSync(join(tmpdir(), 'cleave-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const script = `import('@apidevtools/swagger-parser').then((m) => m.default.validate(${JSON.stringify(file)})).then(() => console.log('valid'), (e) => { console.log(e.message); process.exitCode = 1; })`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' }).trim();
    return out === 'valid' ? '' : out;
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Generates a client's types from the document (openapi-typescript), then type-checks
 * `journey` (TypeScript that imports `paths` from './api') with tsc, strict. Answers tsc's
 * complaints, empty when it passes.
 */
export function typeCheckAgainst(document: OpenApiDocument, journey: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cleave-openapi-'));
  try {
    // openapi-typescript is an ES module Jest's CommonJS cannot load: its command line does the same.
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));
    execFileSync(process.execPath, [join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), join(dir, 'openapi.json'), '-o', join(dir, 'api.ts')], { stdio: 'pipe' });
    writeFileSync(join(dir, 'journey.ts'), journey);
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    try {
      execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2022,dom', '--skipLibCheck', join(dir, 'journey.ts')], { encoding: 'utf8', stdio: 'pipe' });
      return '';
    } catch (error) {
      return String((error as { stdout?: string }).stdout ?? error);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
