import { DynamicModule, Global, Module } from '@nestjs/common';
import { PROCESS_IDENTITY, ProcessIdentity } from './process-identity';
import { ProcessLifecycle } from './lifecycle';

/** Makes the process's identity injectable everywhere as PROCESS_IDENTITY, with its lifecycle phase. */
@Global()
@Module({})
export class ProcessIdentityModule {
  static forRoot(identity: ProcessIdentity): DynamicModule {
    const provider = { provide: PROCESS_IDENTITY, useValue: identity };
    return { module: ProcessIdentityModule, providers: [provider, ProcessLifecycle], exports: [provider, ProcessLifecycle] };
  }
}
