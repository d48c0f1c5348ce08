import { DynamicModule, Global, Module } from '@nestjs/common';
import { PROCESS_IDENTITY, ProcessIdentity } from './process-identity';

/** Makes the process's identity injectable everywhere as PROCESS_IDENTITY. */
@Global()
@Module({})
export class ProcessIdentityModule {
  static forRoot(identity: ProcessIdentity): DynamicModule {
    const provider = { provide: PROCESS_IDENTITY, useValue: identity };
    return { module: ProcessIdentityModule, providers: [provider], exports: [provider] };
  }
}
