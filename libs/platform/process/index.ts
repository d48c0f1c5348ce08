// What a process is: its topology, its name in it and its instance id.
export { ProcessSpec, Topology, TopologyError } from './topology';
export { PROCESS_IDENTITY, ProcessIdentity } from './process-identity';
export { ProcessIdentityModule } from './process-identity.module';
export { listenHost, ProcessSettings } from './process.settings';
export { LifecyclePhase, ProcessLifecycle } from './lifecycle';
export { LifecycleSettings } from './lifecycle.settings';
