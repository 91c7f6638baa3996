import { backendConformance } from './conformance/backend-conformance';
import { lsfAdapter, pbsAdapter, windowsHpcAdapter } from './conformance/fake-cli-adapters';
import { memoryAdapter } from './conformance/memory-adapter';

// The same scenarios against every scheduler that needs no real cluster; the real SLURM and Grid Engine run them
// in test/cluster-faults.e2e-spec.ts.
describe.each([memoryAdapter(), lsfAdapter(), pbsAdapter(), windowsHpcAdapter()].map((adapter) => [adapter.name, adapter] as const))(
  'Backend conformance: %s',
  (_name, adapter) => backendConformance(adapter),
);
